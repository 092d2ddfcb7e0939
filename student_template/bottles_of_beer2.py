#!/usr/bin/python3
# -*- coding: utf-8 -*-
# bottles_of_beer2.py                                        (TP Python, exercice II.2)
#
# Variante de bottles_of_beer.py (section II.1) : il s'agit de reprendre le script
# dont on a vu le code.
# On vous demande de réécrire le code du processus PÈRE pour que celui-ci effectue une
# lecture LIGNE PAR LIGNE des résultats envoyés par le processus fils (au travers du
# "pipe" créé par os.pipe()).
#
# « Tuyau » : la fonction os.fdopen(descripteur) retourne, à partir d'un descripteur,
# un objet de type file (pour la lecture des lignes d'un objet file, revoir si
# nécessaire les exemples de la section I.1).
#
# Rem. : le reste du programme (programme principal et fonction child) est inchangé.
#
# Résultat attendu (le programme boucle à l'infini) :
#   verse 1
#   99 bottles of beer on the wall,
#   99 bottles of beer.
#   Take one down and pass it around,
#   98 bottles of beer on the wall.
#   verse 2
#   98 bottles of beer on the wall,
#   ...
#   verse 99
#    1 bottles of beer on the wall,
#    1 bottles of beer.
#   Take one down and pass it around,
#    0 bottles of beer on the wall.
#   verse 100
#   No more bottles of beer on the wall,
#   no more bottles of beer.
#   Go to the store and buy some more,
#   99 bottles of beer on the wall.
#   verse 101
#   99 bottles of beer on the wall,
#   ...
# (avec sleep(0.3) entre deux couplets, pour avoir le temps de lire)

import os
from time import sleep

# TODO : à vous de jouer
