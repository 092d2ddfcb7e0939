#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# joueurs_nation_parent.py nation
# le producteur verifie deja l'argument et le fichier : on lui passe nos arguments

import sys, subprocess, datetime

annee_courante = datetime.date.today().year

pipe = subprocess.Popen(['./joueurs_nation_subproc.py'] + sys.argv[1:],
                        stdout=subprocess.PIPE, universal_newlines=True)
for ligne in pipe.stdout:
    nom, club, poste, annee, nat = ligne.rstrip('\n').split(':')
    print("{0}, {1}, {2}".format(nom, club, annee_courante - int(annee)))
pipe.stdout.close()
pipe.wait()
