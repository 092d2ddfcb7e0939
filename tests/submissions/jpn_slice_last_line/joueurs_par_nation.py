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
    f = open("foot_2020.txt", "r")
except IOError:
    sys.stderr.write("foot_2020.txt : Pb ouverture\n")
    exit(1)

annee_courante = datetime.date.today().year
for ligne in f:
    ligne = ligne[:-1]      # on se debarrasse du \n de fin de ligne
    nom, club, poste, annee, nat = ligne.split(':')
    if nat == nation:
        print('{0}, {1}, {2}'.format(nom, club, annee_courante - int(annee)))
f.close()
