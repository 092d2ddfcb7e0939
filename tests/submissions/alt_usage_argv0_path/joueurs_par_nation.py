#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# joueurs_par_nation.py nation

import sys
import datetime

if len(sys.argv) < 2:
    # sys.argv[0] : le chemin d'acces du script, comme $0 en shell
    print("Usage:", sys.argv[0], "nation", file=sys.stderr)
    sys.exit(1)
nation = sys.argv[1]

try:
    f = open("foot_2020.txt", "r")
except IOError:
    print("foot_2020.txt : Pb ouverture", file=sys.stderr)
    sys.exit(1)

annee_courante = datetime.date.today().year
for ligne in f:
    nom, club, _, annee, nat = ligne.rstrip("\n").split(":")
    if nat == nation:
        print(nom, club, annee_courante - int(annee), sep=", ")
f.close()
