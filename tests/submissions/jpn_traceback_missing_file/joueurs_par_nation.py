#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# joueurs_par_nation.py nation : liste les joueurs d'une nation

import sys
import datetime

if len(sys.argv) < 2:
    sys.stderr.write("Usage: joueurs_par_nation.py nation\n")
    exit(1)
nation = sys.argv[1]

annee_courante = datetime.datetime.now().year

f = open('foot_2020.txt', 'r')
ligne = f.readline()
while ligne:
    ligne = ligne.rstrip('\n')
    nom, club, _, annee, nat = ligne.split(':')
    if nat == nation:
        print('{0}, {1}, {2:d}'.format(nom, club, annee_courante - int(annee)))
    ligne = f.readline()
f.close()
