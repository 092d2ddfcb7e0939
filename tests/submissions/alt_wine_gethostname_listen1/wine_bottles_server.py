#!/usr/bin/python3
# -*- coding: utf-8 -*-
import socket, time

hote = socket.gethostname()
port = 50007
stock = 300

s = socket.socket()
s.bind((hote, port))
s.listen(1)
while stock > 0:
    print("Serveur en attente de commande")
    client, adr = s.accept()
    print("Serveur connecté par", adr)
    commande = int(client.recv(16).decode())
    print("Commande de", commande, "bouteille(s)")
    time.sleep(3)
    if commande > stock:
        commande = stock
    stock = stock - commande
    print("Reste en stock :", stock, "bouteille(s)")
    client.send(str(commande).encode())
    client.close()
print("PLUS DE STOCK !")
s.close()
