#!/usr/bin/python3
# bottles_of_beer2.py -- version avec des objets fichier des deux cotes
import os
from time import sleep

def child(pipeout):
    sortie = os.fdopen(pipeout, 'w')
    bottles = 99
    bob = "bottles of beer"
    otw = "on the wall"
    take1 = "Take one down and pass it around"
    store = "Go to the store and buy some more"
    while True:
        if bottles > 0:
            verse = f"{bottles:2d} {bob} {otw},\n{bottles:2d} {bob}.\n{take1},\n{bottles - 1:2d} {bob} {otw}.\n"
            bottles -= 1
        else:
            bottles = 99
            verse = f"No more {bob} {otw},\nno more {bob}.\n{store},\n{bottles:2d} {bob} {otw}.\n"
        sortie.write(verse)
        sortie.flush()   # un couplet = une ecriture dans le tube

def parent(pipein):
    numero = 1
    while True:
        taille = 129 if numero % 100 == 0 else 118   # longueur d'un couplet
        couplet = os.read(pipein, taille).decode()
        print("verse", numero)
        print(couplet)
        sleep(0.3)
        numero += 1

pipein, pipeout = os.pipe()
if os.fork() == 0:
    os.close(pipein)
    child(pipeout)
else:
    os.close(pipeout)
    parent(pipein)
