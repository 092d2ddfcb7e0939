#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# usage: joueurs_par_nation.py nation

import sys, datetime

if len(sys.argv) < 2:
    print("Usage: joueurs_par_nation.py nation")
    exit(1)

nation = sys.argv[1]
annee_actuelle = datetime.date.today().year

try:
    f = open("foot_2020.txt", "r")
except IOError:
    sys.stderr.write("foot_2020.txt : Pb ouverture\n")
    exit(1)

for ligne in f:
    ligne = ligne.strip()
    nom, club, poste, annee, nat = ligne.split(':')
    if nat == nation:
        age = annee_actuelle - int(annee)
        print("{0}, {1}, {2}".format(nom, club, age))
f.close()
