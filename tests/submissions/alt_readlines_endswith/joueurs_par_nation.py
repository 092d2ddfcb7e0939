#!/usr/bin/python3
# joueurs_par_nation.py nation

import sys, time

if len(sys.argv) == 1:
    sys.stderr.write("Usage : joueurs_par_nation.py nation\n")
    sys.exit(1)
nation = sys.argv[1]

try:
    f = open("foot_2020.txt", "r", encoding="utf-8")
    lignes = f.readlines()
    f.close()
except IOError:
    sys.stderr.write("foot_2020.txt : Pb ouverture\n")
    sys.exit(1)

annee = int(time.strftime("%Y"))
for ligne in lignes:
    ligne = ligne.strip()
    if ligne.endswith(":" + nation):
        nom, club, *reste = ligne.split(":")
        print("{}, {}, {} ans".format(nom, club, annee - int(reste[1])))
