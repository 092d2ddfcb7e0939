#!/usr/bin/python3
# -*- coding: utf-8 -*-
# wine_bottles_client.py
# Client qui commande N bouteilles (N tiré au hasard dans [1, 99]) au serveur
# wine_bottles_server.py (port 50007), attend la réponse et l'affiche.

import sys
import random
from socket import *

serverHost = 'localhost'
serverPort = 50007

sockobj = socket(AF_INET, SOCK_STREAM)
sockobj.connect((serverHost, serverPort))

n = random.randint(1, 99)            # nombre de bouteilles commandées
try:
    sockobj.send(str(n).encode())
    reponse = sockobj.recv(1024).decode()   # attente de la réponse (bloquant)
    recu = int(reponse)              # réponse vide (serveur parti) -> ValueError
except (OSError, ValueError):        # ConnectionResetError, BrokenPipeError...
    print('Echec commande')
    sockobj.close()
    sys.exit(1)
else:
    print(recu, 'bouteille(s) recue(s)')
sockobj.close()
