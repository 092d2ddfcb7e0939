#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# joueurs_nation_subproc.py nation
# producteur : envoie au parent nom:club:annee des joueurs de la nation

import sys

if len(sys.argv) < 2:
    sys.stderr.write("Usage: joueurs_nation_subproc.py nation\n")
    sys.exit(1)
nation = sys.argv[1]

try:
    f = open("foot_2020.txt", "r")
except IOError:
    sys.stderr.write("foot_2020.txt : Pb ouverture\n")
    sys.exit(1)

for ligne in f:
    nom, club, poste, annee, nat = ligne.rstrip('\n').split(':')
    if nat == nation:
        # le parent n'a besoin que du nom, du club et de l'annee
        print(nom + ":" + club + ":" + annee)
f.close()
