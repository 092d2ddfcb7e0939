#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# joueurs_nation_parent.py nation
# Principe (comme ls_subprocess1.py) : communication par "pipe"
# entre le producteur joueurs_nation_subproc.py et ce script

import os, sys, subprocess
from datetime import date

if len(sys.argv[1:]) == 0:
    sys.stderr.write("Usage: " + os.path.basename(sys.argv[0]) + " nation\n")
    exit(1)

annee_courante = date.today().year

pipe = subprocess.Popen('./joueurs_nation_subproc.py ' + sys.argv[1], shell=True,
                        stdout=subprocess.PIPE)
ligne = pipe.stdout.readline().decode()  # 1ere lecture avant la boucle
while ligne:                             # tant que ligne non vide
    ligne = ligne[:-1]                   # on se debarrasse du \n de fin de ligne
    nom, club, poste, annee, nation = ligne.split(':')
    print('{0:<11} | {1:<16} | {2:d} ans'.format(nom, club, annee_courante - int(annee)))
    ligne = pipe.stdout.readline().decode()  # lecture ligne suivante
pipe.stdout.close()
exit(pipe.wait())
