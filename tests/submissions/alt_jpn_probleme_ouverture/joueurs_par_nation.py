#!/usr/bin/env python3
# -*- coding: utf-8 -*-
# TP Python - I.2
# joueurs_par_nation.py nation : affiche nom | club | age des joueurs de la nation

import sys
from datetime import datetime

NOM_FICHIER = "foot_2020.txt"

# il faut au moins la nation (le reste est ignore)
if len(sys.argv) < 2:
    print("Usage: joueurs_par_nation.py nation", file=sys.stderr)
    sys.exit(1)

pays = sys.argv[1]
annee_actuelle = datetime.now().year

try:
    fichier = open(NOM_FICHIER, encoding="utf-8")
except (FileNotFoundError, PermissionError):
    # absent ou pas le droit de lecture
    print(NOM_FICHIER + " : Problème à l'ouverture.", file=sys.stderr)
    sys.exit(1)

for ligne in fichier:
    infos = ligne.strip().split(":")
    if len(infos) == 5 and infos[4] == pays:
        age = annee_actuelle - int(infos[3])
        print("{:<12}| {:<17}| {} ans".format(infos[0], infos[1], age))

fichier.close()
