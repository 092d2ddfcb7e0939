#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# joueurs_nation_subproc.py nation
# producteur : affiche les lignes de foot_2020.txt de la nation donnee

import os, sys

if len(sys.argv[1:]) == 0:
    sys.stderr.write("Usage: " + os.path.basename(sys.argv[0]) + " nation\n")
    exit(1)
nation = sys.argv[1]

try:
    f = open('foot_2020.txt', 'r')
except IOError:
    sys.stderr.write('foot_2020.txt : Pb ouverture\n')
    exit(1)

ligne = f.readline()
while ligne:
    if ligne[-1] == '\n':
        ligne = ligne[:-1]
    nom, club, poste, annee, nat = ligne.split(':')
    if nat == nation:
        print(ligne)
    ligne = f.readline()
f.close()
