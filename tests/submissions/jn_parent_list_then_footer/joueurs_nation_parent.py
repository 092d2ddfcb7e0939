#!/usr/bin/python3
# -*- coding: utf-8 -*-
# joueurs_nation_parent.py nation

import sys, subprocess, datetime

if len(sys.argv) < 2:
    print("Usage: joueurs_nation_parent.py nation", file=sys.stderr)
    sys.exit(1)

res = subprocess.run(["./joueurs_nation_subproc.py", sys.argv[1]],
                     stdout=subprocess.PIPE, text=True)
annee = datetime.date.today().year
for ligne in res.stdout.splitlines():
    nom, club, poste, naissance, nation = ligne.split(":")
    print(nom, club, annee - int(naissance), sep=", ")
print("\nAffichage termine")
