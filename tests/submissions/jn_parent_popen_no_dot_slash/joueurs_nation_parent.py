#!/usr/bin/python3
# -*- coding: utf-8 -*-
# TP Python - I.4 consommateur
# usage : joueurs_nation_parent.py nation

import sys
import subprocess
from datetime import date

if len(sys.argv) < 2:
    print("Usage: joueurs_nation_parent.py nation", file=sys.stderr)
    sys.exit(1)

nation = sys.argv[1]
annee = date.today().year

# le producteur est dans le meme dossier
p = subprocess.Popen(['joueurs_nation_subproc.py', nation], stdout=subprocess.PIPE, text=True)
for ligne in p.stdout:
    champs = ligne.strip().split(':')
    print(champs[0] + ', ' + champs[1] + ', ' + str(annee - int(champs[3])))
p.wait()
