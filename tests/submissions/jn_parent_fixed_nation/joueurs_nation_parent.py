#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# joueurs_nation_parent.py nation

import sys, subprocess, datetime

if len(sys.argv) < 2:
    sys.stderr.write("Usage: joueurs_nation_parent.py nation\n")
    exit(1)

annee = datetime.date.today().year

# lancement du producteur dans un sous-processus
pipe = subprocess.Popen(['./joueurs_nation_subproc.py', 'fr'], stdout=subprocess.PIPE)

ligne = pipe.stdout.readline().decode()    # 1ere lecture avant la boucle
while ligne:
    ligne = ligne[:-1]                     # on se debarrasse du \n
    nom, club, poste, an, nation = ligne.split(':')
    print(nom + ", " + club + ", " + str(annee - int(an)))
    ligne = pipe.stdout.readline().decode()
pipe.stdout.close()
pipe.wait()
