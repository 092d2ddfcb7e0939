#!/usr/bin/python3
import struct
from socket import socket, AF_INET, SOCK_STREAM
from time import sleep

stock = 300
s = socket(AF_INET, SOCK_STREAM)
s.bind(('', 41000))
s.listen(5)
while stock:
    print('Serveur en attente de commande')
    c, a = s.accept()
    print('Serveur connecté par', a)
    data = c.recv(2)
    if len(data) < 2:
        c.close()
        continue
    (n,) = struct.unpack('!H', data)
    print('Commande de %d bouteille(s)' % n)
    sleep(3)
    donne = n if n <= stock else stock
    stock -= donne
    print('Reste en stock : %d bouteille(s)' % stock)
    c.send(struct.pack('!H', donne))
    c.close()
print('PLUS DE STOCK !')
