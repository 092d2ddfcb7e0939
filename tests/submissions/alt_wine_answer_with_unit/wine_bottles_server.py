#!/usr/bin/python3
# -*- coding: utf-8 -*-
# wine_bottles_server.py
# Serveur TCP (port 50007) qui reçoit des commandes de bouteilles de vin
# (un nombre en texte décimal), met à jour le stock (300 au départ) et répond
# au client le nombre de bouteilles livrées (peut être inférieur à la commande).
# Un seul client traité à la fois ; le serveur s'arrête quand le stock est épuisé.

from socket import *
import time

myHost = ''          # toutes les interfaces
myPort = 50007
stock = 300

sockobj = socket(AF_INET, SOCK_STREAM)
sockobj.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)  # relance immédiate possible
sockobj.bind((myHost, myPort))
sockobj.listen(5)

while stock > 0:
    print('Serveur en attente de commande', flush=True)
    connection, address = sockobj.accept()
    print('Serveur connecté par', address, flush=True)
    try:
        data = connection.recv(1024).decode()
        commande = int(data)
    except (OSError, ValueError):     # client parti ou commande illisible
        connection.close()
        continue
    print('Commande de', commande, 'bouteille(s)', flush=True)
    time.sleep(3)                     # traitement "long"
    livre = min(commande, stock)
    if livre < 0:
        livre = 0
    stock -= livre
    print('Reste en stock :', stock, 'bouteille(s)', flush=True)
    try:
        connection.send((str(livre) + ' bouteilles').encode())
    except OSError:                   # client parti entre-temps
        pass
    connection.close()

print('PLUS DE STOCK !', flush=True)
sockobj.close()   # les clients encore en attente voient la connexion coupée
