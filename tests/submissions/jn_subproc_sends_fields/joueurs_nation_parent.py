#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# joueurs_nation_parent.py nation
# consommateur : recoit nom:club:annee du producteur, affiche nom, club, age

import sys, subprocess, datetime

if len(sys.argv) < 2:
    sys.stderr.write("Usage: joueurs_nation_parent.py nation\n")
    sys.exit(1)

annee_courante = datetime.date.today().year
pipe = subprocess.Popen(['./joueurs_nation_subproc.py', sys.argv[1]],
                        stdout=subprocess.PIPE, universal_newlines=True)
for ligne in pipe.stdout:
    nom, club, annee = ligne.rstrip('\n').split(':')
    print("{0}, {1}, {2}".format(nom, club, annee_courante - int(annee)))
pipe.stdout.close()
sys.exit(pipe.wait())
