#!/usr/bin/python3
# bottles_of_beer2.py : le pere lit le tube ligne par ligne (os.fdopen)
import os
import signal
from time import sleep


def child(pipeout):
    bottles = 99
    bob = "bottles of beer"
    otw = "on the wall"
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
        os.write(pipeout, verse.encode())


def parent(pipein):
    entree = os.fdopen(pipein)
    counter = 1
    while True:
        print("verse", counter)
        for _ in range(4):
            print(entree.readline(), end="")
        print()
        sleep(0.3)
        counter += 1


signal.alarm(25)  # pour que la chanson ne dure pas indefiniment
pipein, pipeout = os.pipe()
if os.fork() == 0:
    os.close(pipein)
    child(pipeout)
else:
    os.close(pipeout)
    parent(pipein)
