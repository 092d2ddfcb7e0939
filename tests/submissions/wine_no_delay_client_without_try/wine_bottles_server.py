#!/usr/bin/env python3
# Serveur de vin (TP III.2) : un client à la fois, 300 bouteilles en stock.
import socket

HOTE, PORT = "", 50007
stock = 300

serveur = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
serveur.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
serveur.bind((HOTE, PORT))
serveur.listen(5)

while stock > 0:
    print("Serveur en attente de commande")
    conn, adr = serveur.accept()
    demande = int(conn.recv(64).decode())
    print("Commande de", demande, "bouteille(s)")
    livrees = min(demande, stock)
    stock = stock - livrees
    print("Reste en stock :", stock, "bouteille(s)")
    conn.send(str(livrees).encode())
    conn.close()

print("PLUS DE STOCK !")
serveur.close()
