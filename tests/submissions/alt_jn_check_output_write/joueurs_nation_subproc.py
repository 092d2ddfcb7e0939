#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# joueurs_nation_subproc.py nation

import sys

if len(sys.argv) < 2:
    print("Usage: joueurs_nation_subproc.py nation", file=sys.stderr)
    sys.exit(1)

try:
    f = open("foot_2020.txt")
except IOError:
    print("foot_2020.txt : Pb ouverture", file=sys.stderr)
    sys.exit(1)

for ligne in f:
    if ligne.strip().split(':')[4] == sys.argv[1]:
        # ligne telle quelle, avec son \n (un print(ligne) ajouterait une ligne vide)
        sys.stdout.write(ligne)
f.close()
