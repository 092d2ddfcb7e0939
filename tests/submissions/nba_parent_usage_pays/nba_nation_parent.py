#!/usr/bin/python3
# nba_nation_parent.py : affiche nom, club et age des joueurs d'une nation,
# lus dans la sortie de nba_nation_subproc.py

import sys
import subprocess
from datetime import date

if len(sys.argv) < 2:
    sys.stderr.write("Usage : ./nba_nation_parent.py pays\n")
    exit(1)

p = subprocess.Popen(["./nba_nation_subproc.py", sys.argv[1]], stdout=subprocess.PIPE)
for l in p.stdout:
    joueur = l.decode().rstrip("\n").split(":")
    print(joueur[0] + ", " + joueur[2] + ", " + str(date.today().year - int(joueur[3])))
p.wait()
