#!/usr/bin/python3
# -*- coding: utf-8 -*-
# Stands in for the student's joueurs_nation_subproc.py when the consumer
# (joueurs_nation_parent.py) is graded on its own checks, so that a bug of the
# producer costs points in the producer's checks only. It does what the
# statement asks of the producer: prints, unchanged, the lines of the data
# file whose nation is the argument; the usage and file errors on stderr,
# with exit status 1. Written for the grader, not taken from the reference
# solution. The constants are the lab's: the grader writes them in
# (common.write_fake).
import os
import sys

FICHIER = 'foot_2020.txt'
SEPARATEUR = ':'
CHAMPS = 5                  # fields of a line
NATION = 4                  # the nation's field (from 0)
USAGE = 'Usage: {script} nation'
ERREUR = '{file} : Pb ouverture'


def nation_of(line):
    """The nation of a player line; None for a line that is not one."""
    fields = line.split(SEPARATEUR)
    return fields[NATION] if len(fields) == CHAMPS else None


def main(argv):
    if len(argv) < 2:
        print(USAGE.format(script=os.path.basename(argv[0])), file=sys.stderr)
        return 1
    try:
        with open(FICHIER, encoding='utf-8') as data:
            text = data.read()     # universal newlines: \r\n is \n
    except OSError:
        print(ERREUR.format(file=FICHIER), file=sys.stderr)
        return 1
    sys.stdout.write(''.join(line + '\n' for line in text.split('\n') if nation_of(line) == argv[1]))
    return 0


sys.exit(main(sys.argv))
