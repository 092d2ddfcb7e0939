#!/usr/bin/python3
# -*- coding: utf-8 -*-
# Stands in for the student's joueurs_nation_subproc.py when the consumer
# (joueurs_nation_parent.py) is graded on its own checks, so that a bug of the
# producer costs points in the producer's checks only: the reference producer
# (reference/ is not shipped in the Gradescope bundle, hence this copy).
# Prints, unchanged, the lines of foot_2020.txt whose nation (5th field) is the
# argument; usage and file errors on stderr, exit status 1.

import os
import sys

FICHIER = 'foot_2020.txt'

if len(sys.argv) < 2:
    sys.stderr.write('Usage: ' + os.path.basename(sys.argv[0]) + ' nation\n')
    sys.exit(1)
nation_voulue = sys.argv[1]

try:
    f = open(FICHIER, 'r', encoding='utf-8')
except OSError:
    sys.stderr.write(FICHIER + ' : Pb ouverture\n')
    sys.exit(1)

for ligne in f:
    ligne = ligne.rstrip('\r\n')    # la dernière ligne peut ne pas finir par \n
    champs = ligne.split(':')
    if len(champs) == 5 and champs[4] == nation_voulue:
        print(ligne)                # ligne inchangée (print remet le \n)
f.close()
