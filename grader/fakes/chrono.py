#!/usr/bin/env python3
# Stands in for the student's chrono.py when multiChrono.py is graded, so that
# multiChrono is judged on its own: the statement's chronometer.
import os
from signal import SIGALRM, SIGINT, SIGQUIT, alarm, pause, signal

nsec = 0
PID = os.getpid()


def seconde(signum, frame):
    global nsec
    nsec += 1
    alarm(1)


# Each line is one string, so one write(): on a terminal Python writes every
# argument of print() separately, and the chronometers of one multiChrono
# share that terminal.
def inter(signum, frame):
    print(f"CHRONO ( {PID} ) -> {nsec} secondes", flush=True)


def arret(signum, frame):
    print(f"{nsec} secondes écoulées\nFin du chronometre ( {PID} )", flush=True)
    os._exit(0)


signal(SIGALRM, seconde)
signal(SIGINT, inter)
signal(SIGQUIT, arret)
alarm(1)
print(f"CHRONO ( {PID} ) démarre !", flush=True)
while True:
    pause()
