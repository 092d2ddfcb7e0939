#!/usr/bin/python3
# -*- coding: utf-8 -*-
"""joueurs_par_nation.py nation : affiche nom, club et age des joueurs de la nation"""

import sys
import datetime

FICHIER = "foot_2020.txt"

if len(sys.argv) < 2:
    sys.stderr.write("Usage: " + sys.argv[0] + " nation\n")
    sys.exit(1)
nation = sys.argv[1]

try:
    with open(FICHIER) as f:
        lignes = f.read().splitlines()
except OSError:
    sys.stderr.write(FICHIER + " : Pb ouverture\n")
    sys.exit(1)

an = datetime.datetime.now().year
for ligne in lignes:
    nom, club, poste, annee, nat = ligne.split(":")
    if nat == nation:
        print("%s, %s, %d" % (nom, club, an - int(annee)))

print("\nAffichage des joueurs de nation " + nation + " termine")
