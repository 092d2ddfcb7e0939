#!/usr/bin/env python3
# -*- coding: utf-8 -*-
# nba_nation_parent.py nation
# Lance nba_nation_subproc.py nation avec subprocess et affiche, pour chaque
# ligne reçue, "prenom nom, club, age".

import datetime
import os
import subprocess
import sys

if len(sys.argv) < 2:
    print(f"Usage : {os.path.basename(sys.argv[0])} nation", file=sys.stderr)
    sys.exit(1)

annee = datetime.date.today().year
fils = subprocess.run(["./nba_nation_subproc.py", sys.argv[1]], stdout=subprocess.PIPE, text=True)
for ligne in fils.stdout.splitlines():
    champs = ligne.split(":")
    if len(champs) == 5:
        nom, _taille, club, naissance, _nation = champs
        print(f"{nom}, {club}, {annee - int(naissance)}")
sys.exit(fils.returncode)
