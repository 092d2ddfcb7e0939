#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# joueurs_par_nation.py nation

import sys
from datetime import date

if len(sys.argv) < 2:
    print("Usage: joueurs_par_nation.py nation", file=sys.stderr)
    sys.exit(1)
nation = sys.argv[1]

try:
    f = open("foot_2020.txt")
except IOError:
    print("foot_2020.txt : Pb ouverture", file=sys.stderr)
    sys.exit(1)

for ligne in f:
    champs = ligne.split(":")
    nat = champs[-1][:-1]       # le dernier champ finit par \n, on l'enleve
    if nat == nation:
        print("%s, %s, %d ans" % (champs[0], champs[1], date.today().year - int(champs[3])))
f.close()
