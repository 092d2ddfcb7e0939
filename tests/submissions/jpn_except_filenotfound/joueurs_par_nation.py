#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# joueurs_par_nation.py nation

import sys
import datetime

if len(sys.argv) < 2:
    print("Usage: joueurs_par_nation.py nation", file=sys.stderr)
    sys.exit(1)
nation = sys.argv[1]

try:
    f = open("foot_2020.txt", "r")
except FileNotFoundError:
    print("foot_2020.txt : Pb ouverture", file=sys.stderr)
    sys.exit(1)

annee_courante = datetime.datetime.now().year
for ligne in f:
    champs = ligne.strip().split(":")
    if champs[4] == nation:
        print(champs[0] + ", " + champs[1] + ", " + str(annee_courante - int(champs[3])))
f.close()
