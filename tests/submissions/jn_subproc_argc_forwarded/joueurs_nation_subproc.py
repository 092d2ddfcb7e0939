#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# joueurs_nation_subproc.py nation  (producteur)

import sys

# il faut exactement un argument : la nation
if len(sys.argv) != 2:
    sys.stderr.write("Usage : " + sys.argv[0] + " nation\n")
    sys.exit(2)

try:
    fic = open("foot_2020.txt", "r", encoding="utf-8")
except OSError:
    sys.stderr.write("foot_2020.txt : Pb ouverture\n")
    sys.exit(1)

for ligne in fic.read().splitlines():
    if ligne.split(":")[4] == sys.argv[1]:
        print(ligne)
fic.close()
