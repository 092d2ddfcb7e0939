#!/usr/bin/python3
# Producteur : filtre les joueurs de la nation demandée (fichier enregistré en Latin-1)
# joueurs_nation_subproc.py nation
# Producteur : affiche (sans les modifier) les lignes de foot_2020.txt
# dont la nation (5e champ) est celle passée en paramètre.

import os
import sys

FICHIER = 'foot_2020.txt'

if len(sys.argv) < 2:
    sys.stderr.write('Usage: ' + os.path.basename(sys.argv[0]) + ' nation\n')
    sys.exit(1)
nation_voulue = sys.argv[1]

try:
    f = open(FICHIER, 'r', encoding='utf-8')
except OSError:
    sys.stderr.write(FICHIER + ' : Pb ouverture\n')
    sys.exit(1)

for ligne in f:
    ligne = ligne.rstrip('\r\n')    # la dernière ligne peut ne pas finir par \n
    champs = ligne.split(':')
    if len(champs) == 5 and champs[4] == nation_voulue:
        print(ligne)                # ligne inchangée (print remet le \n)
f.close()
