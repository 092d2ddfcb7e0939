#!/usr/bin/env python3
# wine_bottles_client.py : commande de bouteilles au serveur de vin
import socket
import random

HOTE = "localhost"
PORT = 50007

quantite = random.randint(1, 99)
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    s.connect((HOTE, PORT))
except ConnectionRefusedError:
    print("Serveur indisponible")
    exit(1)

try:
    s.send(str(quantite).encode())
    reponse = s.recv(1024)
    if not reponse:
        raise ConnectionResetError
    print(f"{int(reponse.decode())} bouteille(s) recue(s)")
except (ConnectionResetError, BrokenPipeError, ValueError):
    print("Echec commande")
finally:
    s.close()
