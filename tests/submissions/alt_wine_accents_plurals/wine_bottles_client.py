#!/usr/bin/env python3
"""Client : commande entre 1 et 99 bouteilles au serveur du port 6000."""
import random
import socket
import sys

PORT = 6000

quantite = random.randint(1, 99)
try:
    client = socket.create_connection(("localhost", PORT))
except OSError:
    print("Service non disponible.")
    sys.exit(1)

with client:
    try:
        client.sendall(f"{quantite}\n".encode())
        reponse = client.makefile("r").readline()
        recues = int(reponse)
    except (OSError, ValueError):
        print("Échec de la commande")
        sys.exit(1)
print(f"{recues} bouteilles reçues")
