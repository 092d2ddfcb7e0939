#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# joueurs_par_nation.py nation

import sys

if len(sys.argv) < 2:
    sys.stderr.write("Usage: joueurs_par_nation.py nation\n")
    sys.exit(1)
nation = sys.argv[1]

try:
    f = open("foot_2020.txt")
except IOError:
    sys.stderr.write("foot_2020.txt : Pb ouverture\n")
    sys.exit(1)

for ligne in f:
    nom, club, _, annee, nat = ligne.rstrip('\n').split(':')
    if nat == nation:
        age = 2021 - int(annee)
        print("%s, %s, %d" % (nom, club, age))
f.close()
