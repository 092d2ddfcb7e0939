#!/usr/bin/env python3
"""joueurs_par_nation.py nation

Affiche le nom, le club et l'age des joueurs de foot_2020.txt
dont la nation est celle passee en parametre."""

import sys
import datetime

FICHIER = "foot_2020.txt"

if len(sys.argv) < 2:
    sys.exit("Usage: joueurs_par_nation.py nation")   # sys.exit(message) : stderr + code 1
nation = sys.argv[1]

try:
    with open(FICHIER, encoding="utf-8") as f:
        lignes = f.read().splitlines()
except OSError:
    sys.exit(f"{FICHIER} : Pb ouverture")

annee = datetime.datetime.now().year
for ligne in lignes:
    nom, club, poste, naissance, nat = ligne.split(":")
    if nat == nation:
        print(f"{nom}, {club}, {annee - int(naissance)}")
