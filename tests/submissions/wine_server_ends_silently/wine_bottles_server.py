#!/usr/bin/python3
"""Serveur de bouteilles de vin : un client à la fois, 3 s par commande."""
import socket
import sys
import time

stock = 300
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("", 50007))
s.listen(5)

while True:
    print("Serveur en attente de commande", flush=True)
    c, addr = s.accept()
    try:
        n = int(c.recv(1024))
    except (ValueError, OSError):
        c.close()
        continue
    print(f"Commande de {n} bouteille(s)", flush=True)
    time.sleep(3)
    donne = min(n, stock)
    stock -= donne
    print(f"Reste en stock : {stock} bouteille(s)", flush=True)
    c.send(str(donne).encode())
    c.close()
    if stock == 0:
        s.close()
        sys.exit(0)

print("PLUS DE STOCK !")
