#!/usr/bin/python3
# -*- coding: utf-8 -*-
# I.2 : joueurs d'une nation (nom, club, age)

import sys
import time
import datetime

if len(sys.argv) < 2:
    sys.stderr.write("Usage: joueurs_par_nation.py nation\n")
    sys.exit(1)

try:
    f = open("foot_2020.txt", "r")
except OSError:
    sys.stderr.write("foot_2020.txt : Pb ouverture\n")
    sys.exit(1)

aujourdhui = datetime.date.today()
for ligne in f:
    nom, club, poste, annee, nation = ligne.rstrip("\n").split(":")
    if nation == sys.argv[1]:
        print(nom + ", " + club + ", " + str(aujourdhui.year - int(annee)))
        time.sleep(3)  # un joueur toutes les 3 secondes, pour avoir le temps de lire
f.close()
