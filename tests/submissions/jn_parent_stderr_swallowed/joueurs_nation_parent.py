#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# joueurs_nation_parent.py nation
# consommateur : lance le producteur et affiche nom, club, age

import sys, subprocess, datetime

if len(sys.argv) < 2:
    sys.stderr.write("Usage: joueurs_nation_parent.py nation\n")
    sys.exit(1)
nation = sys.argv[1]
annee_courante = datetime.date.today().year

pipe = subprocess.Popen(['./joueurs_nation_subproc.py', nation],
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                        universal_newlines=True)
for ligne in pipe.stdout:
    nom, club, poste, annee, nat = ligne.rstrip('\n').split(':')
    print("{0}, {1}, {2}".format(nom, club, annee_courante - int(annee)))
pipe.stdout.close()
if pipe.wait() != 0:
    sys.exit(1)
