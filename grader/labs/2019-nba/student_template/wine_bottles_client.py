#!/usr/bin/python3
# -*- coding: utf-8 -*-
# wine_bottles_client.py port quantite [hote]       (TP Python 2019, exercice III.2)
#
# Commande `quantite` bouteilles au serveur (hôte : localhost par défaut) et affiche
#   N bouteille(s) recue(s)
# Sans serveur : Service non disponible. Si le serveur s'arrête pendant l'attente :
# Echec commande.
#
# Exemple : ./wine_bottles_client.py 50007 12

import sys

# TODO : à vous de jouer
