#!/usr/bin/env python3
# wine_bottles_client.py port quantite
# Commande `quantite` bouteilles au serveur du port donné.
import socket
import sys

if len(sys.argv) < 2:
    print("Usage : wine_bottles_client.py port quantite", file=sys.stderr)
    sys.exit(1)
port = int(sys.argv[1])
quantite = int(sys.argv[2]) if len(sys.argv) > 3 else 0

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    sock.connect(("localhost", port))
except OSError:
    print("Service non disponible")
    sys.exit(1)
try:
    sock.sendall(str(quantite).encode())
    reponse = sock.recv(1024).decode()
    print(int(reponse), "bouteille(s) recue(s)")
except (OSError, ValueError):
    print("Echec commande")
finally:
    sock.close()
