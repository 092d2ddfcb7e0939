#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# joueurs_par_nation.py nation
# affiche nom, club et age des joueurs de la nation donnee

import sys
import datetime

if len(sys.argv) < 2:
    sys.stderr.write("Usage: joueurs_par_nation.py nation\n")
    exit(1)

try:
    f = open("foot_2020.txt", "r")
except IOError:
    sys.stderr.write("foot_2020.txt : Pb ouverture\n")
    exit(1)

annee_courante = datetime.date.today().year
ligne = f.readline()
while ligne:
    nom, club, poste, annee, nation = ligne.split(':')
    if nation == sys.argv[1]:
        print("{0}, {1}, {2}".format(nom, club, annee_courante - int(annee)))
    ligne = f.readline()
f.close()
