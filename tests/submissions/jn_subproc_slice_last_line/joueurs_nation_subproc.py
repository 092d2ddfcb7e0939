#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# joueurs_nation_subproc.py nation
# producteur : filtre les lignes de foot_2020.txt de la nation donnee

import sys

if len(sys.argv) < 2:
    sys.stderr.write("Usage: joueurs_nation_subproc.py nation\n")
    exit(1)
nation = sys.argv[1]

try:
    f = open("foot_2020.txt", "r")
except IOError:
    sys.stderr.write("foot_2020.txt : Pb ouverture\n")
    exit(1)

ligne = f.readline()
while ligne:
    ligne = ligne[:-1]            # on se debarrasse du \n de fin de ligne
    if ligne.split(':')[-1] == nation:
        print(ligne)
    ligne = f.readline()
f.close()
