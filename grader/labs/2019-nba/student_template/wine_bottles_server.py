#!/usr/bin/python3
# -*- coding: utf-8 -*-
# wine_bottles_server.py port [stock]               (TP Python 2019, exercice III.2)
#
# Serveur TCP de bouteilles de vin, sur le port donné en paramètre (stock : 300 par
# défaut, ou le second paramètre). Pour chaque client, l'un après l'autre :
#   Serveur en attente de commande
#   Commande de N bouteille(s)
#   (3 secondes de traitement : time.sleep(3))
#   Reste en stock : S bouteille(s)
# et renvoie au client le nombre de bouteilles livrées (au plus le stock).
# Quand le stock est épuisé : PLUS DE STOCK ! et le serveur s'arrête.
#
# Exemple : ./wine_bottles_server.py 50007

import sys

# TODO : à vous de jouer
