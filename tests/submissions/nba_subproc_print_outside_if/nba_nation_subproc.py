#!/usr/bin/env python3
# nba_nation_subproc.py nation : envoie les lignes de nba_2019.txt de la nation
import sys

if len(sys.argv) < 2:
    print("Usage : nba_nation_subproc.py nation", file=sys.stderr)
    sys.exit(1)
nation = sys.argv[1]

try:
    f = open("nba_2019.txt")
except:
    print("nba_2019.txt : Pb ouverture", file=sys.stderr)
    sys.exit(1)

for ligne in f:
    if ligne.split(":")[4].strip() == nation:
        trouve = ligne
    print(ligne)
f.close()
