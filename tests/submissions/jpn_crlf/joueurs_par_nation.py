#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# joueurs_par_nation.py nation
# (ecrit sous Windows avec Notepad++)

import sys
from datetime import date

if len(sys.argv) < 2:
    sys.stderr.write("Usage: joueurs_par_nation.py nation\n")
    sys.exit(1)

try:
    fichier = open("foot_2020.txt", "r")
except OSError:
    sys.stderr.write("foot_2020.txt : Pb ouverture\n")
    sys.exit(1)

aujourdhui = date.today()
for ligne in fichier:
    nom, club, poste, annee, nation = ligne.strip().split(":")
    if nation == sys.argv[1]:
        print("{}, {}, {}".format(nom, club, aujourdhui.year - int(annee)))
fichier.close()
