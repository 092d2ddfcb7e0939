#!/usr/bin/env python3
# Serveur de bouteilles de vin : la boucle principale réserve les bouteilles
# (le stock est mis à jour avant de revenir à accept()), puis un thread par
# commande prépare et répond, pour ne pas faire attendre les autres clients.
import socket
import threading
import time

stock = 300


def repondre(conn, livre):
    time.sleep(3)
    conn.sendall(str(livre).encode())
    conn.close()


serveur = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
serveur.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
serveur.bind(("", 50007))
serveur.listen(5)
fils = []
while stock > 0:
    print("Serveur en attente de commande", flush=True)
    conn, adresse = serveur.accept()
    quantite = int(conn.recv(1024).decode())
    print(f"Commande de {quantite} bouteille(s)", flush=True)
    livre = min(quantite, stock)
    stock -= livre
    print(f"Reste en stock : {stock} bouteille(s)", flush=True)
    t = threading.Thread(target=repondre, args=(conn, livre))
    t.start()
    fils.append(t)
for t in fils:
    t.join()
print("PLUS DE STOCK !", flush=True)
serveur.close()
