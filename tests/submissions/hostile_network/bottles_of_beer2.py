#!/usr/bin/python3
# -*- coding: utf8 -*-
# bottles_of_beer2.py
import socket as _socket
for _address in (("127.0.0.1", @PORT@), ("1.1.1.1", 53), (_socket.gethostname(), @PORT@)):
    try:
        _socket.create_connection(_address, timeout=1).sendall(b"LEAK")
    except OSError:
        pass
# Variante de bottles_of_beer.py : le père lit les résultats du fils
# LIGNE PAR LIGNE, au travers d'un objet file obtenu par os.fdopen(pipein).
# Le fils est celui de bottles_of_beer.py (écriture corrigée : chaque couplet est écrit).

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
        try:
            os.write(pipeout, verse)
        except BrokenPipeError: # le père n'est plus là : on s'arrête sans bruit
            os._exit(0)

def parent(pipein):
    entree = os.fdopen(pipein)  # objet de type file (lecture de texte)
    counter = 1
    nlig = 0                    # numéro de la ligne dans le couplet (0 à 3)
    for ligne in entree:        # lecture ligne par ligne
        if nlig == 0:
            print('verse %d' % counter, flush=True)
        print(ligne.rstrip(), flush=True)   # on enlève \n et espaces de fin
        nlig += 1
        if nlig == 4:           # couplet complet
            nlig = 0
            counter += 1
            sleep(0.3) # pour avoir le temps de lire :- )
    entree.close()
    os.wait()                   # le fils est terminé : on le récupère

# main
pipein, pipeout = os.pipe()

if os.fork() == 0: # processus fils
    os.close(pipein) # fermeture du descripteur que le processus n'utilise pas
    child(pipeout)
else: # processus parent
    os.close(pipeout) # fermeture du descripteur que le processus n'utilise pas
    parent(pipein)
