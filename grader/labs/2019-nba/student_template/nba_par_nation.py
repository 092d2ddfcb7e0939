#!/usr/bin/python3
# -*- coding: utf-8 -*-
# nba_par_nation.py nation                                  (TP Python, exercice I.2)
#
# Le fichier nba_2019.txt (dans le répertoire courant) recense des basketteurs de la
# NBA. Structure d'une ligne :
#     prenom nom:taille:club:annee_naissance:nation
# Exemples de nation : us, fr, es, gr
#
# Objectif : lister les basketteurs dont la nationalité est la nation passée en
# paramètre ; pour chacun afficher juste "prenom nom, club, age" (âge à calculer).
#
# Le programme contrôle qu'il y a un paramètre et que le fichier s'ouvre ; des
# arguments en surnombre sont ignorés.
#
# Exemples d'exécution :
#   $ ./nba_par_nation.py
#   Usage : nba_par_nation.py nation          (sur la sortie d'erreur)
#   $ ./nba_par_nation.py es
#   nba_2019.txt : Pb ouverture               # si nba_2019.txt n'existe pas ou est illisible
#   $ ./nba_par_nation.py es                  # lancé en 2019
#   Marc Gasol, Toronto Raptors, 34
#   Ricky Rubio, Phoenix Suns, 29
#   Willy Hernangómez, Charlotte Hornets, 25
#   Juancho Hernangómez, Denver Nuggets, 24
#
# Indications : l'année courante vient du module datetime ; la dernière ligne du
# fichier peut ne pas finir par '\n' ; les erreurs vont sur sys.stderr, avec un code
# de retour non nul.

import sys

# TODO : à vous de jouer
