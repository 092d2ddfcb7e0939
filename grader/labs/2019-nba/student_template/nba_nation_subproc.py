#!/usr/bin/python3
# -*- coding: utf-8 -*-
# nba_nation_subproc.py nation                  (TP Python, exercice I.4, producteur)
#
# PRODUCTEUR : écrit sur sa sortie standard, inchangées, les lignes de nba_2019.txt
# (prenom nom:taille:club:annee_naissance:nation) dont la nation est le paramètre.
# Mêmes contrôles que nba_par_nation.py (paramètre manquant, fichier illisible).
#
# Exemples d'exécution :
#   $ ./nba_nation_subproc.py
#   Usage : nba_nation_subproc.py nation
#   $ ./nba_nation_subproc.py es
#   Marc Gasol:2.11:Toronto Raptors:1985:es
#   Ricky Rubio:1.91:Phoenix Suns:1990:es
#   ...

import sys

# TODO : à vous de jouer
