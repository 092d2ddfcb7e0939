#!/usr/bin/python3
# -*- coding: utf-8 -*-
# wine_bottles_client.py                                     (TP Python, exercice III.2)
#
# Le client commande un certain nombre N de bouteilles de vin au serveur
# (wine_bottles_server.py) ; N est tiré au hasard dans l'intervalle [1, 99]
# (module random). Après envoi de sa demande, le client attend la réponse et se
# termine. Le nombre de bouteilles reçues peut être inférieur à N si le stock du
# serveur n'est pas suffisant.
#
# Exemples d'exécution :
#   $ ./wine_bottles_client.py
#   Service non disponible            # le serveur n'est pas lancé
#   $ ./wine_bottles_client.py
#   60 bouteille(s) recue(s)
#   $ # Plusieurs clients en « parallèle » mais servis séquentiellement
#   $ ./wine_bottles_client.py & ./wine_bottles_client.py & ./wine_bottles_client.py
#   53 bouteille(s) recue(s)
#   12 bouteille(s) recue(s)
#   Echec commande                    # le serveur s'est arrêté entre-temps
#
# Rem. : si l'on n'intercepte pas l'exception levée dans le client qui attend sa réponse
# alors que le serveur s'est arrêté entre-temps (stock épuisé), on obtient :
#   ConnectionResetError: [Errno 104] Connection reset by peer
# Pas de « Traceback » : afficher Echec commande.

import sys
import random
from socket import *

# TODO : à vous de jouer
