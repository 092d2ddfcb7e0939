#!/usr/bin/env python3
import sys
from socket import socket, AF_INET, SOCK_STREAM

if len(sys.argv) < 3:
    sys.stderr.write("Usage : wine_bottles_client.py port quantite [hote]\n")
    sys.exit(1)
quantite = int(sys.argv[1])
port = int(sys.argv[2])
hote = sys.argv[3] if len(sys.argv) > 3 else "localhost"

sock = socket(AF_INET, SOCK_STREAM)
try:
    sock.connect((hote, port))
except OSError:
    print("Service non disponible")
    sys.exit(1)
try:
    sock.send(str(quantite).encode())
    recu = int(sock.recv(1024).decode())
    print(recu, "bouteille(s) recue(s)")
except (OSError, ValueError):
    print("Echec commande")
    sys.exit(1)
finally:
    sock.close()
