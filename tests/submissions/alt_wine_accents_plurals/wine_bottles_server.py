#!/usr/bin/env python3
"""Serveur de bouteilles de vin : un client à la fois, 300 bouteilles."""
import socket
import time

PORT = 6000
STOCK_INITIAL = 300
DELAI = 3


def servir(conn, stock):
    """Lit une commande, attend DELAI s, répond la quantité livrée ; renvoie le stock restant."""
    ligne = conn.makefile("r").readline()
    try:
        demande = int(ligne)
    except ValueError:
        return stock
    print(f"Commande de {demande} bouteilles")
    time.sleep(DELAI)
    livre = max(0, min(demande, stock))
    stock -= livre
    print(f"Reste en stock: {stock} bouteilles")
    try:
        conn.sendall(f"{livre}\n".encode())
    except OSError:
        pass
    return stock


def main():
    stock = STOCK_INITIAL
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as serveur:
        serveur.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        serveur.bind(("localhost", PORT))
        serveur.listen()
        while stock > 0:
            print("Serveur en attente de commande...")
            conn, adresse = serveur.accept()
            print(f"Serveur connecté par {adresse}")
            with conn:
                stock = servir(conn, stock)
    print("Plus de stock !")


if __name__ == "__main__":
    main()
