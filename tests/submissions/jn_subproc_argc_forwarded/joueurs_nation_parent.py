#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# joueurs_nation_parent.py nation  (consommateur)

import sys
import subprocess
from datetime import date

if len(sys.argv) < 2:
    sys.stderr.write("Usage: joueurs_nation_parent.py nation\n")
    sys.exit(1)

# on transmet nos arguments au producteur
proc = subprocess.Popen(["./joueurs_nation_subproc.py"] + sys.argv[1:],
                        stdout=subprocess.PIPE, universal_newlines=True)
for ligne in proc.stdout:
    nom, club, poste, annee, nation = ligne.rstrip("\n").split(":")
    print(nom + ", " + club + ", " + str(date.today().year - int(annee)))
proc.stdout.close()
sys.exit(proc.wait())
