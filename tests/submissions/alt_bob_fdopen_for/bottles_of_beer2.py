#!/usr/bin/env python3
# -*- coding: utf-8 -*-
# bottles_of_beer2.py : le fils et le père utilisent tous les deux des objets file (os.fdopen)

import os
import time


def child(pipeout):
    sortie = os.fdopen(pipeout, 'w')   # objet file en écriture sur le pipe
    bottles = 99
    bob = "bottles of beer"
    otw = "on the wall"
    take1 = "Take one down and pass it around"
    store = "Go to the store and buy some more"
    while True:
        if bottles > 0:
            verse = "{0:2d} {1:s} {2:s}, \n{3:2d} {4:s}. \n{5:s}, \n{6:2d} {7:s} {8:s}. \n" \
                .format(bottles, bob, otw, bottles, bob, take1, bottles - 1, bob, otw)
            bottles -= 1
        else:
            bottles = 99
            verse = "No more {0} {1}, \nno more {0}. \n{2}, \n{3:2d} {0} {1}. \n".format(bob, otw, store, bottles)
        try:
            sortie.write(verse)
            sortie.flush()   # le couplet part tout de suite dans le pipe
        except BrokenPipeError:
            os._exit(0)


def parent(pipein):
    with os.fdopen(pipein) as entree:
        for numero, ligne in enumerate(entree):
            if numero % 4 == 0:
                print()
                print(f"verse {numero // 4 + 1}:")
            print(ligne.rstrip())
            if numero % 4 == 3:
                time.sleep(0.3)


pipein, pipeout = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(pipein)
    child(pipeout)
else:
    os.close(pipeout)
    parent(pipein)
