#!/usr/bin/python3
# -*- coding: utf-8 -*-
# chrono.py
#
# création d'un processus chrono qui compte les secondes
# sur le signal SIGINT (CTRL C) le processus affiche la valeur du compteur
# sur le signal SIGQUIT (CTRL \) le processus affiche la valeur du compteur et s'arrête.
#
# tester aussi le comportement du pgme en le lançant dans un terminal
# et en envoyant des signaux depuis un autre : kill -2 pid pour déclencher SIGINT
#                                           kill -3 pid pour SIGQUIT

import os
from signal import signal, alarm, pause, SIGINT, SIGQUIT, SIGALRM

def seconde(signal, frame) :
    global nsec # pour signifier que c'est la variable nsec du "main"
                # sinon: variable locale et modif valeur non visible dans le main !
    nsec += 1
    alarm(1)    # on repositionne l'évènement SIGALRM

def inter(signal, frame) : # affiche la valeur du compteur
    print "CHRONO (", PID, ") ->", nsec, "secondes"

def arret(signal, frame) : # affiche la valeur du compteur et quitte
    print(nsec, "secondes écoulées")
    print("Fin du chronometre (", PID, ")")
    exit(0)

# main
nsec = 0 # nbre de secondes
PID = os.getpid() # le pid du (programme) processus courant
signal(SIGALRM, seconde) # on associe la fct "seconde" au signal
                        # SIGALRM(14)
signal(SIGINT, inter)   # le signal SIGINT (2) déclenche "inter"
signal(SIGQUIT, arret)  # SIGQUIT (3) lance "arret"
alarm(1) # on déclenche l'alarme dans 1 seconde
print("CHRONO (", PID, ") démarre !") # on affiche le pid
while True :
    pause() # en attente réception signal
