#!/usr/bin/python3
# -*- coding: utf-8 -*-
# chrono.py                                                   (TP Python, section II.1)
#
# Création d'un processus chrono qui compte les secondes (signal SIGALRM toutes les
# secondes, fonction alarm du module signal) :
#  - il affiche son pid au démarrage :       CHRONO ( pid ) démarre !
#  - sur le signal SIGINT (CTRL C) le processus affiche la valeur du compteur :
#                                            CHRONO ( pid ) -> n secondes
#    et continue ;
#  - sur le signal SIGQUIT (CTRL \) le processus affiche la valeur du compteur
#    et s'arrête :                           n secondes écoulées
#                                            Fin du chronometre ( pid )
#
# Recopier et comprendre le code donné dans l'énoncé (handlers seconde, inter, arret ;
# association signaux/handlers avec signal(...) ; boucle infinie avec pause()).
#
# Tester aussi le comportement du programme en le lançant dans un terminal et en
# envoyant des signaux depuis un autre : kill -2 pid pour déclencher SIGINT
#                                        kill -3 pid pour SIGQUIT

import os
from signal import signal, alarm, pause, SIGINT, SIGQUIT, SIGALRM

# TODO : à vous de jouer
