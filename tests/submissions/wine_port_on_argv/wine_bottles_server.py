#!/usr/bin/python3
# -*- coding: utf-8 -*-
# wine_bottles_server.py : serveur de commandes de bouteilles
# lancement : ./wine_bottles_server.py port   (ex: ./wine_bottles_server.py 8888)

import sys
import time
from socket import *

if len(sys.argv) != 2:
    print("Usage:", sys.argv[0], "port")
    sys.exit(1)

port = int(sys.argv[1])
stock = 300

s = socket(AF_INET, SOCK_STREAM)
s.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
s.bind(('', port))
s.listen(5)

while stock > 0:
    print("Serveur en attente de commande")
    c, addr = s.accept()
    print("Serveur connecté par", addr)
    n = int(c.recv(1024).decode())
    print("Commande de", n, "bouteille(s)")
    time.sleep(3)
    livraison = min(n, stock)
    stock = stock - livraison
    print("Reste en stock :", stock, "bouteille(s)")
    c.send(str(livraison).encode())
    c.close()

print("PLUS DE STOCK !")
s.close()
