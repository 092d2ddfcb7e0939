#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# joueurs_nation_parent.py nation
# consommateur : lance le producteur et lit ses lignes (comme dans l'exemple I.3)

import sys
import subprocess
import datetime

if len(sys.argv) < 2:
    sys.stderr.write("Usage: joueurs_nation_parent.py nation\n")
    sys.exit(1)

annee = datetime.date.today().year

p = subprocess.Popen(["./joueurs_nation_subproc.py", sys.argv[1]], stdout=subprocess.PIPE)
ligne = p.stdout.readline().decode()
while ligne != "":
    nom, club, poste, naissance, nation = ligne.split(":")
    # \n a la fin pour passer a la ligne
    print("{}, {}, {}\n".format(nom, club, annee - int(naissance)))
    ligne = p.stdout.readline().decode()
p.wait()
