#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# joueurs_nation_subproc.py nation
# producteur : ecrit sur stdout les lignes de foot_2020.txt de la nation demandee

import sys

if len(sys.argv) < 2:
    sys.stderr.write("Usage: joueurs_nation_subproc.py nation\n")
    sys.exit(1)

try:
    fic = open("foot_2020.txt")
except OSError:
    sys.stderr.write("foot_2020.txt : Pb ouverture\n")
    sys.exit(1)

# on garde les lignes de la nation, puis on les envoie
selection = []
for ligne in fic:
    ligne = ligne.rstrip("\n")
    if ligne.split(":")[4] == sys.argv[1]:
        selection += ligne
fic.close()

for l in selection:
    print(l)
