#!/usr/bin/env python3
# -*- coding: utf-8 -*-
# wine_bottles_client.py port quantite [hote]       (TP Python 2019, exercice III.2)
# Commande `quantite` bouteilles au serveur et affiche ce qu'il a reçu.

import socket
import sys


def main():
    if len(sys.argv) < 3:
        print(f"Usage : {sys.argv[0]} port quantite [hote]", file=sys.stderr)
        return 1
    port, quantite = int(sys.argv[1]), int(sys.argv[2])
    hote = sys.argv[3] if len(sys.argv) > 3 else "localhost"
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as client:
        try:
            client.connect((hote, port))
        except OSError:
            print("Service non disponible")
            return 1
        try:
            client.sendall(str(quantite).encode())
            recu = int(client.recv(1024).decode())
        except (OSError, ValueError):
            print("Echec commande")
            return 1
    print(f"{recu} bouteille(s) recue(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
