#!/usr/bin/python3
import socket
import sys

port = int(sys.argv[1])
quantite = 10   # TODO lire la quantité
s = socket.socket()
try:
    s.connect(("localhost", port))
except ConnectionRefusedError:
    print("Service non disponible")
    sys.exit(1)
try:
    s.send(str(quantite).encode())
    rep = s.recv(100)
    print(int(rep.decode()), "bouteille(s) recue(s)")
except (OSError, ValueError):
    print("Echec commande")
s.close()
