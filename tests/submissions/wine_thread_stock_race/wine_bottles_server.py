#!/usr/bin/env python3
# Serveur de bouteilles de vin : un thread par commande, pour ne pas faire
# attendre les clients pendant les 3 secondes de préparation.
import socket
import threading
import time

stock = 300
verrou = threading.Lock()


def preparer(conn, quantite):
    global stock
    with verrou:
        livre = min(quantite, stock)
        stock -= livre
        print(f"Reste en stock : {stock} bouteille(s)", flush=True)
    time.sleep(3)
    conn.sendall(str(livre).encode())
    conn.close()


serveur = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
serveur.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
serveur.bind(("", 50007))
serveur.listen(5)
while stock:
    print("Serveur en attente de commande", flush=True)
    conn, adresse = serveur.accept()
    quantite = int(conn.recv(1024).decode())
    print(f"Commande de {quantite} bouteille(s) de {adresse}", flush=True)
    threading.Thread(target=preparer, args=(conn, quantite)).start()
print("PLUS DE STOCK !", flush=True)
serveur.close()
