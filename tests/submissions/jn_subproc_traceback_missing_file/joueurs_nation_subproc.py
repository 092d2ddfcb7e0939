#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# joueurs_nation_subproc.py nation (producteur)

import sys

if len(sys.argv) < 2:
    sys.stderr.write("Usage: joueurs_nation_subproc.py nation\n")
    sys.exit(1)

with open("foot_2020.txt") as f:
    for ligne in f:
        ligne = ligne.rstrip("\n")
        if ligne.split(":")[4] == sys.argv[1]:
            print(ligne)
