#!/usr/bin/python3
# -*- coding: utf-8 -*-
# Serveur : gere le stock de bouteilles (300 au debut)
import socket
import time

HOTE = ''
PORT = 50007
stock = 300

serveur = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
serveur.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
serveur.bind((HOTE, PORT))
serveur.listen(5)

while stock > 0:
    print("Serveur en attente de commande")
    client, adresse = serveur.accept()
    print("Serveur connecté par", adresse)
    nb = int(client.recv(1024).decode())
    if nb <= 0:
        # commande vide, rien a faire : on passe au client suivant
        client.close()
        continue
    print("Commande de", nb, "bouteille(s)")
    time.sleep(3)
    if nb > stock:
        nb = stock
    stock = stock - nb
    print("Reste en stock :", stock, "bouteille(s)")
    client.send(str(nb).encode())
    client.close()

print("PLUS DE STOCK !")
serveur.close()
