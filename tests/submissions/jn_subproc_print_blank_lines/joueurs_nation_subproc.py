#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# joueurs_nation_subproc.py nation
# producteur : envoie sur sa sortie standard les lignes de la nation demandee

import sys

if len(sys.argv) < 2:
    sys.stderr.write("Usage: joueurs_nation_subproc.py nation\n")
    sys.exit(1)
nation = sys.argv[1]

try:
    f = open("foot_2020.txt", "r")
except OSError:
    sys.stderr.write("foot_2020.txt : Pb ouverture\n")
    sys.exit(1)

for ligne in f:
    champs = ligne.split(':')
    if champs[4].rstrip('\n') == nation:
        print(ligne)      # on renvoie la ligne telle quelle au parent
f.close()
