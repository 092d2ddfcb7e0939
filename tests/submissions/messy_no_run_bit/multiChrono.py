#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# multiChrono.py

# MULTI chronomètre qui crée un nouveau (process) chrono à chaque réception du signal SIGTERM (15)
# A réception du signal SIGINT, le processus envoie ce signal à tous ses fils qui affichent
# chacun la valeur de leur compteur
# A réception du signal SIGQUIT le processus envoie ce signal à tous ses fils, qui affichent la
# valeur de leur compteur et s'arrêtent ; le père attend la fin de chacun puis se termine.

import signal, os, sys

# gestionnaires d'évènements
def nouveau(signum, frame) :
    # création d'un processus "chrono"
    sys.stdout.flush()  # vider le tampon avant fork (sinon il serait dupliqué)
    try: pid = os.fork()
    except OSError: print('Fork: erreur !', file=sys.stderr)
    else: # fork OK
        if pid == 0 :
            # le fils est recouvert par chrono.py (il faut le droit x sur chrono.py)
            try:
                os.execl('./chrono.py', 'chrono.py')
            finally:
                os._exit(255) # seulement fait si execl échoue
        else :
            fils.append(pid) # on ajoute le PID du fils "chrono"
            print('*****')
            print('creation chrono de numero (', pid, ')')
            print('liste des fils', fils)

def inter(signum, frame) :
    # affiche la valeur du compteur de chaque chrono
    print('\nTransmission du signal SIGINT a tous les chronometres  fils \n')
    for pid in fils :
        try: os.kill(pid, signal.SIGINT)
        except ProcessLookupError: pass

def arret(signum, frame) :
    print('\nTransmission du signal SIGQUIT a tous les chronometres  fils \n')
    for pid in fils :
        try: os.kill(pid, signal.SIGQUIT)
        except ProcessLookupError: pass
    # attente de la fin de chaque fils : ni zombie ni orphelin
    for pid in fils :
        try: os.waitpid(pid, 0)
        except ChildProcessError: pass
    sys.exit(0)

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
