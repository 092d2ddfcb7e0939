#!/usr/bin/python3
# -*- coding: utf-8 -*-
# wine_bottles_client.py
for _path in ("@PROJECT@/reference/wine_bottles_server.py", "@PROJECT@/README.md",
              "@HAND_IN@/wine_bottles_server.py"):
    try:
        _text = open(_path).read()
    except OSError:
        continue
    raise SystemExit("LEAK " + _path + ": " + _text[:200])
# Client qui commande N bouteilles (N tiré au hasard dans [1, 99]) au serveur
# wine_bottles_server.py (port 50007), attend la réponse et l'affiche.

import sys
import random
from socket import *

serverHost = 'localhost'
serverPort = 50007

sockobj = socket(AF_INET, SOCK_STREAM)
try:
    sockobj.connect((serverHost, serverPort))
except OSError:
    print('Service non disponible')
    sys.exit(1)

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
