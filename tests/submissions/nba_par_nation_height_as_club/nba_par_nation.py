#!/usr/bin/env python3
# nba_par_nation.py nation : joueurs NBA d'une nation (nom, club, age)
import sys
from datetime import date

if len(sys.argv) < 2:
    sys.stderr.write("Usage : nba_par_nation.py nation\n")
    exit(1)

try:
    f = open("nba_2019.txt")
except IOError:
    sys.stderr.write("nba_2019.txt : Pb ouverture\n")
    exit(1)

for ligne in f:
    champs = ligne.strip().split(":")
    nom = champs[0]
    club = champs[1]
    annee = int(champs[3])
    if champs[4] == sys.argv[1]:
        print("%s, %s, %d" % (nom, club, date.today().year - annee))
f.close()
