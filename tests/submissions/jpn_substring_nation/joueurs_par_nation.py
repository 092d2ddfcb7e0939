#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# joueurs_par_nation.py nation

import sys
import datetime

if len(sys.argv) < 2:
    sys.stderr.write("Usage: joueurs_par_nation.py nation\n")
    exit(1)
nation = sys.argv[1]

try:
    f = open("foot_2020.txt", 'r')
except IOError:
    sys.stderr.write("foot_2020.txt : Pb ouverture\n")
    exit(1)

an = datetime.date.today().year
for ligne in f:
    if nation in ligne:          # la ligne contient la nation
        nom, club, poste, annee, nat = ligne.rstrip('\n').split(':')
        print(nom + ", " + club + ", " + str(an - int(annee)))
f.close()
