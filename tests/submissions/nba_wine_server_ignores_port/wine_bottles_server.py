#!/usr/bin/python3
from socket import *
import sys
import time

if len(sys.argv) < 2:
    print("Usage : wine_bottles_server.py port [stock]")
    sys.exit(1)

PORT = 50007
stock = 300
if len(sys.argv) > 2:
    stock = int(sys.argv[2])

s = socket(AF_INET, SOCK_STREAM)
s.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
s.bind(("", PORT))
s.listen(5)
while stock > 0:
    print("Serveur en attente de commande")
    conn, addr = s.accept()
    data = conn.recv(1024)
    if not data:
        conn.close()
        continue
    n = int(data.decode())
    print("Commande de", n, "bouteille(s)")
    time.sleep(3)
    donne = min(n, stock)
    stock = stock - donne
    print("Reste en stock :", stock, "bouteille(s)")
    conn.send(str(donne).encode())
    conn.close()
print("PLUS DE STOCK !")
s.close()
