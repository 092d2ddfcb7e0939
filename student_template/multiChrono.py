#!/usr/bin/python3
# -*- coding: utf-8 -*-
# multiChrono.py                                              (TP Python, section II.1)
#
# MULTI chronomètre (primitives fork et exec) :
#  - à chaque réception du signal SIGTERM (15), le processus crée un nouveau processus
#    chrono : os.fork(), puis le fils est recouvert par chrono.py avec os.execl
#    (il faut le droit x sur chrono.py !) ; le père mémorise le PID du fils dans une liste ;
#  - à réception du signal SIGINT (2), le processus envoie ce signal à tous ses fils,
#    qui affichent chacun la valeur de leur compteur ;
#  - à réception du signal SIGQUIT (3), le processus envoie ce signal à tous ses fils,
#    qui affichent la valeur de leur compteur et s'arrêtent, puis il se termine.
#    Aucun processus ne doit rester (ni orphelin, ni zombie).
#
# Au démarrage, il affiche son pid et le mode d'emploi :
#   Je suis le gestionnaire de CHRONOMETRES !
#   kill -2 pid (dans autre terminal) pour affichage de tous les chronos
#   kill -3 pid (dans autre terminal) pour quitter et stop chronometres
#   kill -15 pid (dans autre terminal) pour creer un chrono
#
# Recopier et comprendre le code donné dans l'énoncé (handlers nouveau, inter, arret ;
# boucle d'attente des évènements avec signal.pause()).

import signal, os, sys

# TODO : à vous de jouer
