#!/usr/bin/env python3
# Stands in for the student's joueurs_nation_subproc.py in the check that the
# parent delegates to it: it records the arguments it was given, then prints
# players that are in no foot_2020.txt, all of the nation asked for. The
# grader writes its constants in (common.write_fake): the lines in the lab's
# layout, {nation} where the nation goes.
import json
import sys

LINES = ["Zébulon Sonde-{nation}:FC Témoin:a:1990:{nation}"]
USAGE = "Usage: joueurs_nation_subproc.py nation"

with open(".tpgrader-producer-calls", "a") as log:
    log.write(json.dumps(sys.argv[1:]) + "\n")
if len(sys.argv) < 2:
    sys.stderr.write(USAGE + "\n")
    sys.exit(1)
nation = sys.argv[1]
for line in LINES:
    print(line.replace("{nation}", nation))
