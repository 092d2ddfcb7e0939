#!/usr/bin/env python3
# joueurs_nation_subproc.py nation
# Producteur : ecrit sur sa sortie standard, sans les modifier,
# les lignes de foot_2020.txt de la nation demandee.

import sys

if len(sys.argv) < 2:
    sys.exit("Usage: joueurs_nation_subproc.py nation")
nation = sys.argv[1]

try:
    with open("foot_2020.txt", encoding="utf-8") as f:
        for ligne in f:
            if ligne.rstrip("\n").split(":")[-1] == nation:
                if not ligne.endswith("\n"):
                    ligne += "\n"
                sys.stdout.write(ligne)
except OSError:
    sys.exit("foot_2020.txt : Pb ouverture")
