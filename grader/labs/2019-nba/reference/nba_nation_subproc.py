#!/usr/bin/env python3
# -*- coding: utf-8 -*-
# nba_nation_subproc.py nation
# Écrit sur sa sortie, inchangées, les lignes de nba_2019.txt de la nation donnée
# (prenom nom:taille:club:annee_naissance:nation).

import os
import sys

NOM_FICHIER = "nba_2019.txt"

if len(sys.argv) < 2:
    print(f"Usage : {os.path.basename(sys.argv[0])} nation", file=sys.stderr)
    sys.exit(1)
nation = sys.argv[1]
try:
    fichier = open(NOM_FICHIER, encoding="utf-8")
except OSError:
    print(f"{NOM_FICHIER} : Pb ouverture", file=sys.stderr)
    sys.exit(1)
with fichier:
    for ligne in fichier:
        ligne = ligne.rstrip("\n")
        if ligne.split(":")[-1] == nation:
            print(ligne)
