#!/usr/bin/python3
# -*- coding: utf-8 -*-
# joueurs_nation_subproc.py nation                 (TP Python, exercice I.4, producteur)
#
# On reprend l'exercice I.2 (joueurs_par_nation.py), mais le traitement est partagé
# entre deux scripts qui collaborent :
#  - joueurs_nation_subproc.py (CE script), programme de type PRODUCTEUR :
#    filtrer les footballeurs de foot_2020.txt (lignes nom:club:poste:annee:nation)
#    dont la nationalité est la nation passée en paramètre et les transmettre
#    (sur sa sortie standard) au script joueurs_nation_parent.py ;
#  - joueurs_nation_parent.py, le consommateur.
#
# Ce script doit pouvoir être appelé de manière indépendante (pour le tester) :
#   $ ./joueurs_nation_subproc.py fr
#   Lloris:Spurs Tottenham:g:1986:fr
#   Benzema:Real Madrid:a:1987:fr
#   ...
#   $ ./joueurs_nation_subproc.py
#   Usage: joueurs_nation_subproc.py nation
#   $ ./joueurs_nation_subproc.py fr
#   foot_2020.txt : Pb ouverture   # si 'foot_2020.txt' n'existe pas dans le dossier courant
#                                  # (ou s'il manque le droit de lecture)
#
# Les lignes retenues sont affichées telles qu'elles sont dans le fichier, dans l'ordre.
# Messages d'erreur sur la sortie d'erreur, code de retour non nul ; arguments en
# surnombre ignorés.

import sys

# TODO : à vous de jouer
