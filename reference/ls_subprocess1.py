#!/usr/bin/python3
# -*- coding: utf-8 -*-
# ls_subprocess1.py
''' Affichage des noms des fichiers réguliers et du nombre de fichiers du repertoire courant '''
# Principe: communication/synchronisation par "pipe" entre la commande 'ls' et le script python

import os, subprocess

# Lancement d'une commande unix qui s'exécute dans un sous-processus
# l'argument stdout=subprocess.PIPE dans Popen est utile pour que le script
# puisse capturer les résultats (la sortie standard) de ce sous-processus
# (correction de l'énoncé : la commande et ses arguments forment UNE liste)
pipe = subprocess.Popen(['ls', '-a'], stdout=subprocess.PIPE)
# variante: pipe = subprocess.Popen('ls -a', shell=True, stdout=subprocess.PIPE)

nbf = 0
ligne = pipe.stdout.readline().decode() # 1ère lecture avant la boucle
while ligne: # tant que ligne non vide
    ligne = ligne[:-1] # on se débarrasse du \n de fin de ligne
    if os.path.isfile(ligne):
        print(ligne)
        nbf += 1
    ligne = pipe.stdout.readline().decode() # lecture ligne suivante
pipe.stdout.close()
pipe.wait() # on attend la fin de 'ls' (pas de zombie)
print("Nombre de fichiers ordinaires: ", nbf)
