#!/usr/bin/python3
# -*- coding: utf8 -*-
# bottles_of_beer2.py
# version simplifiée : pas besoin de deux processus, on affiche directement les couplets

from time import sleep

bottles = 99
bob = "bottles of beer" ; otw = "on the wall"
take1 = "Take one down and pass it around"
store = "Go to the store and buy some more"
counter = 1
while True:
    if bottles > 0:
        values = (bottles, bob, otw, bottles, bob, take1, bottles - 1, bob, otw)
        verse = "%2d %s %s, \n%2d %s. \n%s, \n%2d %s %s. \n" % values
        bottles -= 1
    else:
        bottles = 99
        values = (bob, otw, bob, store, bottles, bob, otw)
        verse = "No more %s %s, \nno more %s. \n%s, \n%2d %s %s. \n" % values
    print('verse %d' % counter)
    for ligne in verse.splitlines():   # ligne par ligne
        print(ligne)
    print()
    sleep(0.3) # pour avoir le temps de lire :- )
    counter += 1
