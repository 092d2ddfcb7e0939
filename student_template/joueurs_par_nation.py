#!/usr/bin/python3
# -*- coding: utf-8 -*-
# joueurs_par_nation.py nation                              (TP Python, exercice I.2)
#
# Le fichier foot_2020.txt (dans le répertoire courant) recense des joueurs de clubs
# évoluant en Champion's League. Structure d'une ligne :
#     nom:club:poste:annee_naissance:nation
# Exemples de nation : 'fr', 'es', 'br' (Brésil)...
# Postes : 'g' (gardien), 'd' (défenseur), 'md' (milieu défensif),
#          'mo' (milieu offensif), 'a' (attaquant)
#
# Objectif : lister, à partir du fichier, les joueurs dont la nationalité est la nation
# passée en paramètre (exemple : fr) ; pour chaque joueur afficher son nom, le nom de
# son club et son âge (à calculer).
#
# Le programme doit contrôler qu'il y a un paramètre sur la ligne de commande et que le
# fichier existe bien (dans le répertoire courant). D'éventuels arguments en surnombre
# sont purement ignorés (pas de message d'erreur).
#
# Exemples d'exécution :
#   $ ./joueurs_par_nation.py
#   Usage: joueurs_par_nation.py nation
#   $ ./joueurs_par_nation.py 2>/dev/null   # pas de message d'erreur sur la sortie standard
#   $ ./joueurs_par_nation.py es
#   foot_2020.txt : Pb ouverture   # si 'foot_2020.txt' n'existe pas dans le dossier courant
#                                  # (ou s'il manque le droit de lecture)
#   $ ./joueurs_par_nation.py br          # lancé en 2021
#   Neymar, PSG, 29
#   Alisson, Liverpool, 29
#   Firmino, Liverpool, 30
#   Marquinhos, PSG, 27
#   Fernandinho, Manchester City, 36
#
# Affichage plus « sophistiqué » (facultatif) avec alignement des colonnes à gauche :
#   Neymar      | PSG              | 29 ans
#   Fernandinho | Manchester City  | 36 ans
#
# Indications :
#  - pour trouver l'année courante, utiliser le module datetime ;
#  - attention au '\n' récupéré en fin de ligne lue dans un fichier
#    (et la dernière ligne du fichier peut ne pas en avoir !) ;
#  - chaine.split(':') découpe une chaîne en liste de « mots » :
#      nom, club, poste, annee, nation = ligne.split(':')
#  - les messages d'erreur vont sur la sortie d'erreur (sys.stderr),
#    et le programme se termine alors avec un code de retour non nul (exit(1)).

import sys

# TODO : à vous de jouer
