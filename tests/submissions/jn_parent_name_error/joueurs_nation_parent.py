#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# joueurs_nation_parent.py nation
# consommateur : lance joueurs_nation_subproc.py et affiche nom, club, age

import sys
import subprocess
import datetime

if len(sys.argv) < 2:
    sys.stderr.write("Usage: joueurs_nation_parent.py nation\n")
    sys.exit(1)

prod = subprocess.Popen(["./joueurs_nation_subproc.py", sys.argv[1]],
                        stdout=subprocess.PIPE, universal_newlines=True)
for ligne in prod.stdout:
    nom, club, poste, annee, nation = ligne.strip().split(":")
    age = date.today().year - int(annee)
    print(nom + ", " + club + ", " + str(age))
prod.wait()
