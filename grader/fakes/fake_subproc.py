#!/usr/bin/env python3
# Stands in for the student's joueurs_nation_subproc.py in the check that the
# parent delegates to it: it records the arguments it was given, then prints
# players that are in no foot_2020.txt, all of the nation asked for.
import json
import sys

with open(".tpgrader-producer-calls", "a") as log:
    log.write(json.dumps(sys.argv[1:]) + "\n")
if len(sys.argv) < 2:
    sys.stderr.write("Usage: joueurs_nation_subproc.py nation\n")
    sys.exit(1)
nation = sys.argv[1]
print(f"Zébulon Sonde-{nation}:FC Témoin:a:1990:{nation}")
print(f"O'Leary Fantôme:Club Fictif {nation}:md:2003:{nation}")
