#!/usr/bin/python3
# -*- coding: utf-8 -*-
# wine_bottles_server.py                                     (TP Python, exercice III.2)
#
# Le serveur attend les requêtes de clients (socket TCP, comme echo-server.py) ;
# après acceptation d'une requête, il met à jour le stock puis répond au client
# (la quantité livrée peut être inférieure à la quantité commandée).
# Il se termine lorsque le stock est épuisé. Au départ, le stock est de 300 bouteilles.
# Prévoir un délai de 3 secondes entre la réception d'une commande et l'envoi de la
# réponse (afin de simuler un traitement plus long).
# Comme echo-server.py, le serveur ne traite qu'une seule requête client à la fois.
#
# Exemple d'exécution :
#   $ ./wine_bottles_server.py
#   Serveur en attente de commande
#   Serveur connecté par ('127.0.0.1', 60582)
#   Commande de 60 bouteille(s)
#   Reste en stock : 240 bouteille(s)
#   Serveur en attente de commande
#   ...
#   Serveur connecté par ('127.0.0.1', 60598)
#   Commande de 43 bouteille(s)
#   Reste en stock : 0 bouteille(s)
#   PLUS DE STOCK !
#   $

from socket import *
import time

# TODO : à vous de jouer
