#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# joueurs_nation_subproc.py nation
# producteur : ecrit sur stdout les lignes du fichier dont la nation est sys.argv[1]

import sys

if len(sys.argv) < 2:
    sys.stderr.write("Usage: joueurs_nation_subproc.py nation\n")
    sys.exit(1)
fin = ":" + sys.argv[1] + "\n"     # une ligne du fichier finit par :nation\n

try:
    with open("foot_2020.txt") as fichier:
        lignes = fichier.readlines()
except OSError:
    sys.stderr.write("foot_2020.txt : Pb ouverture\n")
    sys.exit(1)

for ligne in lignes:
    if ligne.endswith(fin):
        sys.stdout.write(ligne)
