#!/usr/bin/python3
import random
import struct
from socket import socket, AF_INET, SOCK_STREAM, error

s = socket(AF_INET, SOCK_STREAM)
try:
    s.connect(('localhost', 41000))
except error:
    print('Service non disponible')
    raise SystemExit(1)
s.send(struct.pack('!H', random.randrange(1, 100)))
try:
    data = s.recv(2)
except error:
    data = b''
if len(data) == 2:
    print('%d bouteille(s) recue(s)' % struct.unpack('!H', data))
else:
    print('Echec commande')
s.close()
