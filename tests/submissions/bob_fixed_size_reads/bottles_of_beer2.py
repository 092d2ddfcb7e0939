#!/usr/bin/python3
# -*- coding: utf8 -*-
# bottles_of_beer2.py

# Utilise os.read(descripteur_pour_lire, nbre_d'octets_à_lire). Selon la longueur de la ligne :
#     verse = os.read(pipein, 118)
#     verse = os.read(pipein, 129)

import os
from time import sleep

def child(pipeout):
    bottles = 99
    bob = "bottles of beer" ; otw = "on the wall"
    take1 = "Take one down and pass it around"
    store = "Go to the store and buy some more"
    while True:
        if bottles > 0:
            values = (bottles, bob, otw, bottles, bob, take1, bottles - 1, bob, otw)
            verse = "%2d %s %s,\n%2d %s.\n%s,\n%2d %s %s.\n" % values
            # ici, la taille de verse est de 118 octets (sans espace avant \n !)
            bottles -= 1
        else:
            bottles = 99
            values = (bob, otw, bob, store, bottles, bob, otw)
            verse = "No more %s %s,\nno more %s.\n%s,\n%2d %s %s.\n" % values
            # ici, la taille de verse est de 129 octets

        verse = str.encode(verse) # conversion string => byte object
        os.write(pipeout, verse)

def parent(pipein):
    counter = 1
    while True:
        if counter % 100: # le reste de la division par 100 est différent de 0
            verse = os.read(pipein, 118)
        else: # counter est un multiple de 100
            verse = os.read(pipein, 129)
        verse = verse.decode()
        print('verse %d\n%s\n' % (counter, verse))
        sleep(0.3) # pour avoir le temps de lire :- )
        counter += 1

# main
pipein, pipeout = os.pipe()

if os.fork() == 0: # processus fils
    os.close(pipein) # fermeture du descripteur que le processus n'utilise pas
    child(pipeout)
else: # processus parent
    os.close(pipeout) # fermeture du descripteur que le processus n'utilise pas
    parent(pipein)
