#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# joueurs_par_nation.py nation
# liste des joueurs d'une nation (nom, club, age)

import sys
import datetime

if len(sys.argv) < 2:
    sys.stderr.write("Usage: joueurs_par_nation.py nation\n")
    sys.exit(1)

try:
    f = open("foot_2020.txt", "r")
except OSError:
    sys.stderr.write("foot_2020.txt : Pb ouverture\n")
    sys.exit(1)

annee = datetime.date.today().year
ligne = f.readline()
while ligne != "":
    nom, club, poste, naissance, nation = ligne.strip().split(":")
    if nation == sys.argv[1]:
        age = annee - int(naissance)
        # un joueur par ligne
        print(nom + ", " + club + ", " + str(age) + " ans\n")
    ligne = f.readline()
f.close()
