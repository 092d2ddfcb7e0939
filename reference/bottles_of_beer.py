#!/usr/bin/python3
# -*- coding: utf8 -*-
# bottles_of_beer.py

# Utilise os.read(descripteur_pour_lire, nbre_d'octets_à_lire). Selon la longueur de la ligne :
#     verse = os.read(pipein, 118)
#     verse = os.read(pipein, 129)
# Corrections par rapport à l'énoncé :
#  - l'encodage et l'écriture dans le pipe (os.write) sont faits pour CHAQUE couplet
#    (ils étaient mal indentés, dans le seul bloc else) ;
#  - pas d'espace avant les \n, sinon les couplets font 122 et 133 octets
#    et non 118 et 129 comme le lit le père.

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
            # ici, la taille de verse est de 118 octets
            # variante avec la méthode format:
            # verse = "{0:2d} {1:s} {2:s},\n{3:2d} {4:s}.\n{5:s},\n{6:2d} {7:s} {8:s}.\n" \
            #         .format(bottles, bob, otw, bottles, bob, take1, bottles - 1, bob, otw)
            bottles -= 1
        else:
            bottles = 99
            values = (bob, otw, bob, store, bottles, bob, otw)
            verse = "No more %s %s,\nno more %s.\n%s,\n%2d %s %s.\n" % values
            # ici, la taille de verse est de 129 octets

        verse = str.encode(verse) # conversion string => byte object
        # variante: verse = verse.encode()
        try:
            os.write(pipeout, verse)
        except BrokenPipeError: # le père n'est plus là : on s'arrête sans bruit
            os._exit(0)

def parent(pipein):
    counter = 1
    while True:
        if counter % 100: # le reste de la division par 100 est différent de 0
            verse = os.read(pipein, 118)
        else: # counter est un multiple de 100
            verse = os.read(pipein, 129)
        if not verse: # fin de fichier : le fils s'est terminé
            break
        verse = verse.decode()
        print('verse %d\n%s' % (counter, verse), flush=True)
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
