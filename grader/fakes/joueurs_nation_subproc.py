#!/usr/bin/python3
# -*- coding: utf-8 -*-
# Stands in for the student's joueurs_nation_subproc.py when the consumer
# (joueurs_nation_parent.py) is graded on its own checks, so that a bug of the
# producer costs points in the producer's checks only: the reference producer
# (reference/ is not shipped in the Gradescope bundle, hence this copy).
# Prints, unchanged, the lines of foot_2020.txt whose nation (5th field) is the
# argument; usage and file errors on stderr, exit status 1. The constants are
# the lab's: the grader writes them in (common.write_fake).

import os
import sys

FICHIER = 'foot_2020.txt'
SEPARATEUR = ':'
CHAMPS = 5                  # fields of a line
NATION = 4                  # the nation's field (from 0)
USAGE = 'Usage: {script} nation'
ERREUR = '{file} : Pb ouverture'

if len(sys.argv) < 2:
    sys.stderr.write(USAGE.format(script=os.path.basename(sys.argv[0])) + '\n')
    sys.exit(1)
nation_voulue = sys.argv[1]

try:
    f = open(FICHIER, 'r', encoding='utf-8')
except OSError:
    sys.stderr.write(ERREUR.format(file=FICHIER) + '\n')
    sys.exit(1)

for ligne in f:
    ligne = ligne.rstrip('\r\n')    # la dernière ligne peut ne pas finir par \n
    champs = ligne.split(SEPARATEUR)
    if len(champs) == CHAMPS and champs[NATION] == nation_voulue:
        print(ligne)                # ligne inchangée (print remet le \n)
f.close()
