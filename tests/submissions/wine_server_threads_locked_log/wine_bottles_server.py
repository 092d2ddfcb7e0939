#!/usr/bin/python3
# -*- coding: utf-8 -*-
# TP Python - exo III.2 : serveur de bouteilles de vin
# Amélioration : un thread par client, comme ça les clients n'attendent pas
# les uns derrière les autres. Le verrou protège le stock ET les print (sinon
# les lignes des threads se mélangent dans le terminal).

import threading
import time
from socket import *

HOST = ''
PORT = 50007

stock = 300
verrou = threading.Lock()


def traiter(conn, adr):
    global stock
    try:
        nb = int(conn.recv(1024).decode())
    except (OSError, ValueError):
        conn.close()
        return
    time.sleep(3)  # le traitement "long" demande par l'enonce
    with verrou:
        if stock == 0:   # plus rien a livrer : on raccroche
            conn.close()
            return
        print('Commande de', nb, 'bouteille(s)')
        livre = min(nb, stock)
        stock = stock - livre
        print('Reste en stock :', stock, 'bouteille(s)')
    try:
        conn.send(str(livre).encode())
    except OSError:
        pass
    conn.close()


s = socket(AF_INET, SOCK_STREAM)
s.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
s.bind((HOST, PORT))
s.listen(5)
s.settimeout(0.2)  # pour revenir tester le stock de temps en temps

while stock > 0:
    print('Serveur en attente de commande')
    conn = None
    while stock > 0 and conn is None:
        try:
            conn, adr = s.accept()
        except timeout:
            pass
    if conn is None:
        break
    print('Serveur connecté par', adr)
    t = threading.Thread(target=traiter, args=(conn, adr))
    t.start()

print('PLUS DE STOCK !')
s.close()
