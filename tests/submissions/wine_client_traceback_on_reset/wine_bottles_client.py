#!/usr/bin/python3
import random
from socket import *

sockobj = socket(AF_INET, SOCK_STREAM)
try:
    sockobj.connect(('localhost', 50007))
except ConnectionRefusedError:
    print('Service non disponible')
else:
    n = random.randint(1, 99)
    sockobj.send(str(n).encode())
    reponse = sockobj.recv(1024).decode()
    if reponse:
        print(reponse, 'bouteille(s) recue(s)')
    else:
        print('Echec commande')
    sockobj.close()
