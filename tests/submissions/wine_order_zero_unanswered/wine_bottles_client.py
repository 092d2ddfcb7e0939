#!/usr/bin/python3
# -*- coding: utf-8 -*-
# Client : commande N bouteilles au serveur (N au hasard)
import random
import socket
import sys

HOTE = 'localhost'
PORT = 50007

client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    client.connect((HOTE, PORT))
except OSError:
    print("Service non disponible")
    sys.exit(1)

nb = random.randint(0, 99)  # nombre de bouteilles voulues
client.send(str(nb).encode())
try:
    reponse = client.recv(1024).decode()
    if reponse == "":
        print("Echec commande")
    else:
        print(reponse + " bouteille(s) recue(s)")
except OSError:
    print("Echec commande")
client.close()
