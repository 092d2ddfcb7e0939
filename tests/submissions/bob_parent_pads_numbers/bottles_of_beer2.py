#!/usr/bin/python3
# -*- coding: utf8 -*-
# bottles_of_beer2.py : le pere lit ligne par ligne (os.fdopen)

import os
from time import sleep

def child(pipeout):
    bottles = 99
    while True:
        if bottles > 0:
            verse = "%d bottles of beer on the wall,\n%d bottles of beer.\n" % (bottles, bottles)
            verse += "Take one down and pass it around,\n%d bottles of beer on the wall.\n" % (bottles - 1)
            bottles -= 1
        else:
            verse = "No more bottles of beer on the wall,\nno more bottles of beer.\n"
            verse += "Go to the store and buy some more,\n99 bottles of beer on the wall.\n"
            bottles = 99
        os.write(pipeout, verse.encode())

def parent(pipein):
    entree = os.fdopen(pipein)
    numero = 1
    n = 0
    for ligne in entree:
        if n == 0:
            print('verse', numero)
        if n == 2:
            print(ligne.rstrip())
        else:
            # on aligne les nombres sur 2 caracteres
            nb, fin = ligne.split(' ', 1)
            print('%2d %s' % (int(nb), fin.rstrip()))
        n += 1
        if n == 4:
            n = 0
            numero += 1
            sleep(0.3)

pipein, pipeout = os.pipe()
if os.fork() == 0:
    os.close(pipein)
    child(pipeout)
else:
    os.close(pipeout)
    parent(pipein)
