#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# usage: joueurs_par_nation.py nation

import os, sys
from datetime import date

fichier = "foot_2020.txt"

if len(sys.argv[1:]) == 0:
    sys.stderr.write("Usage: joueurs_par_nation.py nation\n")
    exit(1)
nation = sys.argv[1]

# comme dans wc.py : on verifie que le fichier existe
if not os.path.isfile(fichier):
    sys.stderr.write(fichier + " : Pb ouverture\n")
    exit(1)

annee = date.today().year
f = open(fichier, 'r')
for ligne in f:
    if ligne.endswith('\n'):
        ligne = ligne[:-1]
    liste = ligne.split(':')
    if liste[-1] == nation:
        print(liste[0] + ", " + liste[1] + ", " + str(annee - int(liste[3])))
f.close()
