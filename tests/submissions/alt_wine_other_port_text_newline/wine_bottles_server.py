#!/usr/bin/env python3
import socket
import time

PORT = 50123
stock = 300
with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as serveur:
    serveur.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    serveur.bind(("localhost", PORT))
    serveur.listen()
    while stock > 0:
        print("Serveur en attente de commande")
        conn, adresse = serveur.accept()
        with conn:
            print(f"Serveur connecté par {adresse}")
            ligne = conn.makefile("r").readline()
            if not ligne.strip().isdigit():
                continue
            demande = int(ligne)
            time.sleep(3)
            print(f"Commande de {demande} bouteille(s)")
            livre = min(demande, stock)
            stock = stock - livre
            conn.sendall(f"{livre}\n".encode())
            print(f"Reste en stock : {stock} bouteille(s)")
    print("PLUS DE STOCK !")
