#!/usr/bin/env python3
# -*- coding: utf-8 -*-
# chrono.py : compte les secondes, SIGINT affiche le compteur, SIGQUIT l'affiche et arrête

import os
import signal
import sys
import time

nsec = 0
PID = os.getpid()
debut = time.time()


def seconde(signum, frame):
    global nsec
    nsec += 1
    signal.alarm(1)


def inter(signum, frame):
    print(f"[{time.strftime('%H:%M:%S')}] CHRONO ({PID}) -> {nsec} secondes")


def arret(signum, frame):
    print(f"[{time.strftime('%H:%M:%S')}] {nsec} secondes écoulées "
          f"(horloge : {time.time() - debut:.1f} s)")
    print(f"Fin du chronomètre ({PID})")
    sys.exit(0)


if __name__ == "__main__":
    signal.signal(signal.SIGALRM, seconde)
    signal.signal(signal.SIGINT, inter)
    signal.signal(signal.SIGQUIT, arret)
    signal.alarm(1)
    print(f"CHRONO ({PID}) démarre à {time.strftime('%H:%M:%S')} !")
    while True:
        signal.pause()
