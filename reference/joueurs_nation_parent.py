#!/usr/bin/python3
# -*- coding: utf-8 -*-
# joueurs_nation_parent.py nation
# Consommateur : lance ./joueurs_nation_subproc.py nation dans un sous-processus,
# lit ses lignes (nom:club:poste:annee:nation) par un "pipe"
# et affiche pour chaque joueur : nom, club, âge.

import os
import sys
import subprocess
import datetime

if len(sys.argv) < 2:
    sys.stderr.write('Usage: ' + os.path.basename(sys.argv[0]) + ' nation\n')
    sys.exit(1)
nation = sys.argv[1]

annee_courante = datetime.date.today().year

# stderr non redirigé : le message d'erreur du producteur arrive à l'utilisateur
try:
    proc = subprocess.Popen(['./joueurs_nation_subproc.py', nation],
                            stdout=subprocess.PIPE, universal_newlines=True)
except OSError:
    sys.stderr.write('joueurs_nation_subproc.py : lancement impossible\n')
    sys.exit(1)

for ligne in proc.stdout:
    champs = ligne.rstrip('\r\n').split(':')
    if len(champs) < 4:             # ligne inattendue : ignorée
        continue
    nom, club, _, annee = champs[:4]
    try:
        age = annee_courante - int(annee)
    except ValueError:
        continue
    print('{0}, {1}, {2:d}'.format(nom, club, age))
proc.stdout.close()

# attente de la fin du fils ; échec du fils -> échec du père
if proc.wait() != 0:
    sys.exit(1)
