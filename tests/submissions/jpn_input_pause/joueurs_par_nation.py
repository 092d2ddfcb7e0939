#!/usr/bin/python3
# -*- coding: utf-8 -*-
# TP Python - exercice I.2
# affiche les joueurs d'une nation : nom, club, age

import sys
from datetime import date

if len(sys.argv) == 1:
    print("Usage: joueurs_par_nation.py nation", file=sys.stderr)
    sys.exit(1)

pays = sys.argv[1]

try:
    fic = open("foot_2020.txt")
except IOError:
    print("foot_2020.txt : Pb ouverture", file=sys.stderr)
    sys.exit(2)

an = date.today().year
for l in fic.readlines():
    t = l.strip().split(":")
    if t[-1] == pays:
        print("%s, %s, %d" % (t[0], t[1], an - int(t[3])))
fic.close()

# pour laisser le temps de lire le resultat avant que la fenetre se ferme
input("Appuyez sur Entree pour terminer...")
