#!/usr/bin/python3
# -*- coding: utf-8 -*-
# Serveur de bouteilles de vin (TP III.2)
# stock de depart : 300, on attend 3s avant de repondre

import socket
import time

stock = 300

serveur = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
serveur.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
serveur.bind(('', 50007))
serveur.listen(5)

fini = False
while not fini:
    print("Serveur en attente de commande")
    conn, adresse = serveur.accept()
    # on regarde s'il reste du vin avant de traiter la commande
    if stock == 0:
        print("PLUS DE STOCK !")
        conn.close()
        fini = True
    else:
        print("Serveur connecté par", adresse)
        commande = int(conn.recv(1024).decode())
        print("Commande de", commande, "bouteille(s)")
        time.sleep(3)
        if commande > stock:
            commande = stock
        stock -= commande
        print("Reste en stock :", stock, "bouteille(s)")
        conn.send(str(commande).encode())
        conn.close()

serveur.close()
