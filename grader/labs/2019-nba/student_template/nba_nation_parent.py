#!/usr/bin/python3
# -*- coding: utf-8 -*-
# nba_nation_parent.py nation                   (TP Python, exercice I.4, consommateur)
#
# CONSOMMATEUR : lance ./nba_nation_subproc.py nation dans un sous-processus (module
# subprocess), lit les lignes qu'il renvoie et affiche pour chacune
# "prenom nom, club, age". Ce script ne lit pas lui-même nba_2019.txt.
#
# Exemples d'exécution :
#   $ ./nba_nation_parent.py
#   Usage : nba_nation_parent.py nation
#   $ ./nba_nation_parent.py fr              # lancé en 2019
#   Rudy Gobert, Utah Jazz, 27
#   Evan Fournier, Orlando Magic, 27
#   Nicolas Batum, Charlotte Hornets, 31
#   ...

import sys

# TODO : à vous de jouer
