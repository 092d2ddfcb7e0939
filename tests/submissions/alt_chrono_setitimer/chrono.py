#!/usr/bin/python3
# -*- coding: utf-8 -*-
# chrono.py, avec une alarme périodique : setitimer(ITIMER_REAL, 1, 1) déclenche SIGALRM
# toutes les secondes, sans avoir à réarmer l'alarme dans le gestionnaire.

import os, sys
from signal import signal, setitimer, pause, ITIMER_REAL, SIGINT, SIGQUIT, SIGALRM

compteur = 0

def seconde(sig, frame):
    global compteur
    compteur = compteur + 1

def inter(sig, frame):
    print("CHRONO (", os.getpid(), ") ->", compteur, "secondes", flush=True)

def arret(sig, frame):
    print(compteur, "secondes écoulées")
    print("Fin du chronometre (", os.getpid(), ")")
    sys.exit(0)

signal(SIGALRM, seconde)
signal(SIGINT, inter)
signal(SIGQUIT, arret)
setitimer(ITIMER_REAL, 1, 1)   # première alarme dans 1 s, puis toutes les secondes
print("CHRONO (", os.getpid(), ") démarre !")
while True:
    pause()
