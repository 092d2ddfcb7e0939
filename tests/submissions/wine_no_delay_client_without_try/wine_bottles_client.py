#!/usr/bin/env python3
# Client de vin (TP III.2) : commande entre 1 et 99 bouteilles.
import random
import socket
import sys

client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    client.connect(("localhost", 50007))
except ConnectionRefusedError:
    print("Service non disponible")
    sys.exit(1)

nb = random.randint(1, 99)
client.send(str(nb).encode())
recues = int(client.recv(64).decode())
print(recues, "bouteille(s) recue(s)")
client.close()
