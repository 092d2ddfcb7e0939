#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# usage: joueurs_par_nation.py nation
# version avec le module csv (separateur ':') et le formatage %

import csv
import sys
import time

if len(sys.argv[1:]) == 0:
    print("Usage: joueurs_par_nation.py nation", file=sys.stderr)
    exit(1)
nation = sys.argv[1]

try:
    f = open('foot_2020.txt', newline='', encoding='utf-8')
except IOError:
    print('foot_2020.txt : Pb ouverture', file=sys.stderr)
    exit(2)

annee_courante = time.localtime().tm_year
lecteur = csv.reader(f, delimiter=':')
for nom, club, poste, annee, nat in lecteur:
    if nat == nation:
        print('%s, %s, %d' % (nom, club, annee_courante - int(annee)))
f.close()
