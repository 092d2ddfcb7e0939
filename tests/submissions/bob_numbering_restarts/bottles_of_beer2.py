#!/usr/bin/python3
# -*- coding: utf8 -*-
# bottles_of_beer2.py
# le père lit ligne par ligne grâce à os.fdopen

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
            verse = "%2d %s %s, \n%2d %s. \n%s, \n%2d %s %s. \n" % values
            bottles -= 1
        else:
            bottles = 99
            values = (bob, otw, bob, store, bottles, bob, otw)
            verse = "No more %s %s, \nno more %s. \n%s, \n%2d %s %s. \n" % values
        verse = str.encode(verse) # conversion string => byte object
        os.write(pipeout, verse)

def parent(pipein):
    f = os.fdopen(pipein)
    counter = 1
    while True:
        print('verse %d' % counter)
        for i in range(4):          # un couplet = 4 lignes
            ligne = f.readline()
            print(ligne, end='')
        print()
        sleep(0.3) # pour avoir le temps de lire :- )
        if counter == 100:          # le stock est refait : on recommence la chanson
            counter = 1
        else:
            counter += 1

# main
pipein, pipeout = os.pipe()

if os.fork() == 0: # processus fils
    os.close(pipein) # fermeture du descripteur que le processus n'utilise pas
    child(pipeout)
else: # processus parent
    os.close(pipeout) # fermeture du descripteur que le processus n'utilise pas
    parent(pipein)
