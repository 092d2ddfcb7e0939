#!/usr/bin/env python3
# -*- coding: UTF-8 -*-
# multiChrono.py : un chrono de plus à chaque SIGTERM (fork + execv), SIGINT et SIGQUIT
# transmis à tous les fils ; sur SIGQUIT on attend la fin de tous les fils avec os.wait().

import os
import signal
import sys

CHRONO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "chrono.py")
fils = []


def nouveau(signum, frame):
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        try:
            os.execv(CHRONO, [CHRONO])
        except OSError as e:
            print("exec de chrono.py impossible :", e, file=sys.stderr)
        os._exit(255)
    fils.append(pid)
    print(f"***** nouveau chrono {pid}, fils : {fils}", flush=True)


def transmettre(signum):
    for pid in fils:
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass


def inter(signum, frame):
    print("\nTransmission de SIGINT aux chronos\n", flush=True)
    transmettre(signal.SIGINT)


def arret(signum, frame):
    print("\nTransmission de SIGQUIT aux chronos\n", flush=True)
    transmettre(signal.SIGQUIT)
    while True:                  # on attend tous les fils
        try:
            pid, status = os.wait()
        except ChildProcessError:  # plus aucun fils
            break
        print(f"chrono {pid} terminé (statut {os.waitstatus_to_exitcode(status)})", flush=True)
    sys.exit(0)


signal.signal(signal.SIGTERM, nouveau)
signal.signal(signal.SIGINT, inter)
signal.signal(signal.SIGQUIT, arret)
print(f"Gestionnaire de chronos, pid {os.getpid()} : kill -15 / -2 / -3", flush=True)
while True:
    signal.pause()
