#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# joueurs_par_nation.py nation
# affichage "sophistique" : colonnes alignees a gauche

import os
from sys import argv, stderr
from datetime import date

if len(argv) < 2:
    stderr.write("Usage: " + os.path.basename(argv[0]) + " nation\n")
    exit(1)
nation = argv[1]

try:
    f = open("foot_2020.txt", "r")
except IOError:
    stderr.write("foot_2020.txt : Pb ouverture\n")
    exit(1)

annee_courante = date.today().year
ligne = f.readline()
while ligne:
    if ligne.endswith('\n'):      # la derniere ligne peut ne pas avoir de \n
        ligne = ligne[:-1]
    nom, club, _, annee, nat = ligne.split(':')
    if nat == nation:
        age = annee_courante - int(annee)
        print('{0:<11} | {1:<16} | {2:d} ans'.format(nom, club, age))
    ligne = f.readline()
f.close()
