#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# joueurs_nation_parent.py nation

import sys
import subprocess
import time

if len(sys.argv) < 2:
    print("Usage: joueurs_nation_parent.py nation", file=sys.stderr)
    sys.exit(1)

try:
    sortie = subprocess.check_output(['./joueurs_nation_subproc.py', sys.argv[1]],
                                     universal_newlines=True)
except subprocess.CalledProcessError:
    # le producteur a deja affiche son message d'erreur sur stderr
    sys.exit(1)

annee = time.localtime().tm_year
for ligne in sortie.split('\n'):
    if ligne == '':          # apres le dernier \n, split donne une chaine vide
        continue
    champs = ligne.split(':')
    print('%s, %s, %d' % (champs[0], champs[1], annee - int(champs[3])))
