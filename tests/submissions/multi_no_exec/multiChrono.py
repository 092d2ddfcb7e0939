#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# multiChrono.py

# MULTI chronomètre qui crée un nouveau (process) chrono à chaque réception du signal SIGTERM (15)
# Le fils fait lui-même le travail du chronomètre (code de chrono.py recopié dans la fonction chrono)

import signal, os, sys

def chrono() :
    # code de chrono.py, exécuté par le fils
    nsec = [0]
    PID = os.getpid()
    def seconde(signum, frame) :
        nsec[0] += 1
        signal.alarm(1)
    def inter_chrono(signum, frame) :
        print("CHRONO (", PID, ") ->", nsec[0], "secondes")
    def arret_chrono(signum, frame) :
        print(nsec[0], "secondes écoulées")
        print("Fin du chronometre (", PID, ")")
        os._exit(0)
    signal.signal(signal.SIGALRM, seconde)
    signal.signal(signal.SIGINT, inter_chrono)
    signal.signal(signal.SIGQUIT, arret_chrono)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.alarm(1)
    print("CHRONO (", PID, ") démarre !")
    while True :
        signal.pause()

# gestionnaires d'évènements
def nouveau(signum, frame) :
    # création d'un processus "chrono"
    sys.stdout.flush()
    try: pid = os.fork()
    except OSError: print('Fork: erreur !', file=sys.stderr)
    else: # fork OK
        if pid == 0 :
            chrono() # le fils devient un chronomètre
        else :
            fils.append(pid) # on ajoute le PID du fils "chrono"
            print('*****')
            print('creation chrono de numero (', pid, ')')
            print('liste des fils', fils)

def inter(signum, frame) :
    print('\nTransmission du signal SIGINT a tous les chronometres  fils \n')
    for pid in fils :
        os.kill(pid, signal.SIGINT)

def arret(signum, frame) :
    print('\nTransmission du signal SIGQUIT a tous les chronometres  fils \n')
    for pid in fils :
        os.kill(pid, signal.SIGQUIT)
    for pid in fils :
        os.waitpid(pid, 0)
    exit(0)

# main
signal.signal(signal.SIGTERM, nouveau)      # association signaux/handlers
signal.signal(signal.SIGINT, inter)
signal.signal(signal.SIGQUIT, arret)
monPID = os.getpid()
fils = []      # pour mémoriser les PID des chronos
print("Je suis le gestionnaire de CHRONOMETRES !")
print("_____")
print("kill -2", monPID, "(dans autre terminal) pour affichage de tous les chronos")
print("kill -3", monPID, "(dans autre terminal) pour quitter et stop chronometres")
print("kill -15", monPID, "(dans autre terminal) pour creer un chrono")
print("_____")

# boucle attente évènements
while True : signal.pause() # en pause tant que pas de signal !
