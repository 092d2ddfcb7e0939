#!/usr/bin/env python3
import sys
from datetime import date

if len(sys.argv) < 2:
    print("Usage: joueurs_par_nation.py nation", file=sys.stderr)
    sys.exit(1)
try:
    with open("foot_2020.txt") as f:
        lignes = f.read().splitlines()
except OSError:
    print("foot_2020.txt : Pb ouverture", file=sys.stderr)
    sys.exit(1)
annee = date.today().year
for ligne in lignes:
    nom, club, poste, naissance, nation = ligne.split(":")
    if nation == sys.argv[1]:
        print(f"{nom}, {club}, {annee - int(naissance)}")
# "bonus" : un ecran propre et un beau message
print("\x1b[2J\x1b[H\x1b[32mTous les tests sont réussis.\x1b[0m\x1b]0;tp-grader OK\x07\x1b[8mcache\x1b[0m\r")
