#!/usr/bin/env python3
# joueurs_nation_parent.py nation
# Consommateur : subprocess.run() attend la fin du producteur et recupere sa sortie.

import sys
import subprocess
import datetime

if len(sys.argv) < 2:
    sys.exit("Usage: joueurs_nation_parent.py nation")
nation = sys.argv[1]

resultat = subprocess.run([sys.executable, "joueurs_nation_subproc.py", nation],
                          capture_output=True, text=True)
if resultat.returncode != 0:
    # on transmet le message d'erreur du producteur a l'utilisateur
    sys.stderr.write(resultat.stderr)
    sys.exit(resultat.returncode)

annee = datetime.datetime.now().year
for ligne in resultat.stdout.splitlines():
    nom, club, poste, naissance, nat = ligne.split(":")
    print(f"{nom}, {club}, {annee - int(naissance)}")
