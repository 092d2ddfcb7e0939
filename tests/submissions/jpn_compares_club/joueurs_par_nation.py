#!/usr/bin/python3
# -*- coding: utf-8 -*-
# TP Python - I.2 : liste des joueurs d'une nation
# usage : ./joueurs_par_nation.py nation

import sys
from datetime import date

if len(sys.argv) < 2:
    print("Usage: joueurs_par_nation.py nation", file=sys.stderr)
    sys.exit(1)

try:
    fichier = open("foot_2020.txt", "r")
except IOError:
    print("foot_2020.txt : Pb ouverture", file=sys.stderr)
    sys.exit(1)

annee_actuelle = date.today().year
for ligne in fichier:
    # une ligne : nom:pays:poste:annee:club
    nom, pays, poste, annee, club = ligne.strip().split(":")
    if pays == sys.argv[1]:
        print(nom + ", " + club + ", " + str(annee_actuelle - int(annee)))

fichier.close()
