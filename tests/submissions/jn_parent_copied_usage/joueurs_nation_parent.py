#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# joueurs_nation_parent.py nation (reprise de joueurs_par_nation.py)

import sys
import subprocess
import datetime

if len(sys.argv) < 2:
    sys.stderr.write("Usage: joueurs_par_nation.py nation\n")
    sys.exit(1)
nation = sys.argv[1]

annee_courante = datetime.date.today().year
proc = subprocess.Popen(['./joueurs_nation_subproc.py', nation], stdout=subprocess.PIPE)
for ligne in proc.stdout:
    nom, club, _, annee, _ = ligne.decode().rstrip('\n').split(':')
    print('{0}, {1}, {2:d}'.format(nom, club, annee_courante - int(annee)))
proc.stdout.close()
if proc.wait() != 0:
    sys.exit(1)
