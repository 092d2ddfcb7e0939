#!/usr/bin/env python3
# -*- coding: utf-8 -*-
# wine_bottles_server.py port [stock]               (TP Python 2019, exercice III.2)
# Serveur de bouteilles de vin : un client à la fois, 3 s par commande, s'arrête
# quand le stock (300 par défaut) est épuisé.

import socket
import sys
import time


def main():
    if len(sys.argv) < 2:
        print(f"Usage : {sys.argv[0]} port [stock]", file=sys.stderr)
        return 1
    port = int(sys.argv[1])
    stock = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as serveur:
        serveur.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        serveur.bind(("", port))
        serveur.listen(5)
        while stock > 0:
            print("Serveur en attente de commande", flush=True)
            client, _adresse = serveur.accept()
            with client:
                try:
                    commande = int(client.recv(1024).decode())
                except (OSError, ValueError):
                    continue
                print(f"Commande de {commande} bouteille(s)", flush=True)
                time.sleep(3)
                livre = max(0, min(commande, stock))
                stock -= livre
                print(f"Reste en stock : {stock} bouteille(s)", flush=True)
                try:
                    client.sendall(str(livre).encode())
                except OSError:
                    pass
    print("PLUS DE STOCK !", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
