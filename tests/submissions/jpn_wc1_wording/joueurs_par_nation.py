#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# joueurs_par_nation.py nation  (repris de wc1.py)

import sys
import datetime

if len(sys.argv[1:]) == 0:
    sys.stderr.write("Usage: joueurs_par_nation.py nation\n")
    exit(1)
nation = sys.argv[1]
file = "foot_2020.txt"
try:
    f = open(file, 'r')
except IOError:
    sys.stderr.write("Pb ouverture de " + file + "\n")
else:
    # si ouverture ok
    annee_courante = datetime.date.today().year
    for ligne in f:
        nom, club, _, annee, nat = ligne.rstrip('\n').split(':')
        if nat == nation:
            print('{0}, {1}, {2:d}'.format(nom, club, annee_courante - int(annee)))
    f.close()
