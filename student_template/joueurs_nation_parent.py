#!/usr/bin/python3
# -*- coding: utf-8 -*-
# joueurs_nation_parent.py nation                 (TP Python, exercice I.4, consommateur)
#
# On reprend l'exercice I.2 (joueurs_par_nation.py), mais le traitement est partagé
# entre deux scripts qui collaborent :
#  - joueurs_nation_subproc.py, programme de type PRODUCTEUR, qui filtre les joueurs
#    de la nation passée en paramètre ;
#  - joueurs_nation_parent.py (CE script), programme de type CONSOMMATEUR :
#    il lance ./joueurs_nation_subproc.py nation dans un sous-processus (module
#    subprocess, fonction Popen, voir l'exemple ls_subprocess1.py en I.3),
#    récupère/lit les résultats qu'il renvoie, et affiche le nom de chaque joueur
#    sélectionné, le nom de son club et son âge (à calculer).
#    Ce script ne lit pas lui-même le fichier foot_2020.txt.
#
# Exemples d'exécution :
#   $ ./joueurs_nation_parent.py
#   Usage: joueurs_nation_parent.py nation
#   $ ./joueurs_nation_parent.py fr
#   foot_2020.txt : Pb ouverture   # si 'foot_2020.txt' n'existe pas dans le dossier courant
#                                  # (ou s'il manque le droit de lecture)
#   $ ./joueurs_nation_parent.py fr   # lancé en 2021
#   Lloris, Spurs Tottenham, 35
#   Benzema, Real Madrid, 34
#   Varane, Real Madrid, 28
#   Pogba, Manchester United, 28
#   Kante, Chelsea, 30
#
# Indications : Popen(..., stdout=subprocess.PIPE) pour capturer la sortie du fils ;
# le paramètre universal_newlines=True permet de lire des chaînes (str) et non des bytes.

import sys

# TODO : à vous de jouer
