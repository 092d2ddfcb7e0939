#!/usr/bin/env python3
import socket
import sys
from random import randint

try:
    conn = socket.create_connection(("127.0.0.1", 50123))
except ConnectionError:
    sys.exit("Service non disponible")
with conn:
    conn.sendall(f"{randint(1, 99)}\n".encode())
    try:
        reponse = conn.makefile("r").readline()
    except ConnectionResetError:
        reponse = ""
    if not reponse:
        sys.exit("Echec commande")
    print(f"{int(reponse)} bouteille(s) recue(s).", file=sys.stderr)
