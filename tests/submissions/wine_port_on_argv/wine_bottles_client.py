#!/usr/bin/python3
# -*- coding: utf-8 -*-
# wine_bottles_client.py : commande un nombre aleatoire de bouteilles
# lancement : ./wine_bottles_client.py port

import sys
import random
from socket import *

if len(sys.argv) != 2:
    print("Usage:", sys.argv[0], "port")
    sys.exit(1)

port = int(sys.argv[1])
s = socket(AF_INET, SOCK_STREAM)
try:
    s.connect(('localhost', port))
except ConnectionRefusedError:
    print("Service non disponible")
    sys.exit(1)

n = random.randint(1, 99)
try:
    s.send(str(n).encode())
    rep = s.recv(1024).decode()
    print(int(rep), "bouteille(s) recue(s)")
except (OSError, ValueError):
    print("Echec commande")
s.close()
