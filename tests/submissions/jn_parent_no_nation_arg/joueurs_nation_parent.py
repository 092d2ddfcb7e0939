#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# joueurs_nation_parent.py nation

import os, sys, subprocess, datetime

if len(sys.argv) < 2:
    sys.stderr.write("Usage: joueurs_nation_parent.py nation\n")
    sys.exit(1)

annee_courante = datetime.date.today().year

# variante du cours : lancement avec shell=True
pipe = subprocess.Popen('./joueurs_nation_subproc.py', shell=True, stdout=subprocess.PIPE)
for ligne in pipe.stdout:
    ligne = ligne.decode()[:-1]
    nom, club, poste, annee, nation = ligne.split(':')
    print(nom + ', ' + club + ', ' + str(annee_courante - int(annee)))
pipe.stdout.close()
pipe.wait()
