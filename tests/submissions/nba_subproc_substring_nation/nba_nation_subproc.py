#!/usr/bin/python3
import sys

if len(sys.argv) < 2:
    print("Usage : nba_nation_subproc.py nation", file=sys.stderr)
    sys.exit(1)

try:
    with open("nba_2019.txt", "r") as fic:
        lignes = fic.readlines()
except OSError:
    print("nba_2019.txt : Pb ouverture", file=sys.stderr)
    sys.exit(1)

for ligne in lignes:
    if sys.argv[1] in ligne:
        print(ligne, end="")
