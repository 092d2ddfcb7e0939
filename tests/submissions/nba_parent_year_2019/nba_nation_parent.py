#!/usr/bin/python3
import subprocess
import sys

if len(sys.argv) < 2:
    sys.stderr.write("Usage : nba_nation_parent.py nation\n")
    sys.exit(1)

p = subprocess.Popen(["./nba_nation_subproc.py", sys.argv[1]], stdout=subprocess.PIPE,
                     universal_newlines=True)
for ligne in p.stdout:
    nom, taille, club, annee, nation = ligne.rstrip("\n").split(":")
    print(nom + ", " + club + ", " + str(2019 - int(annee)))
p.wait()
