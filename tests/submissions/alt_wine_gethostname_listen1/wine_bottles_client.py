#!/usr/bin/python3
# -*- coding: utf-8 -*-
import socket, random

s = socket.socket()
try:
    s.connect((socket.gethostname(), 50007))
except:
    print("Service non disponible")
else:
    s.send(str(int(random.random() * 99) + 1).encode())
    try:
        rep = s.recv(16).decode()
        print(int(rep), "bouteille(s) recue(s)")
    except:
        print("Echec commande")
    s.close()
