#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# joueurs_par_nation.py nation

import sys
import datetime

if len(sys.argv) < 2:
    sys.stderr.write("Usage: joueurs_par_nation.py nation\n")
else:
    nation = sys.argv[1]
    try:
        f = open("foot_2020.txt", "r")
    except IOError:
        sys.stderr.write("foot_2020.txt : Pb ouverture\n")
    else:
        annee_courante = datetime.date.today().year
        for ligne in f:
            nom, club, _, annee, nat = ligne.strip().split(':')
            if nat == nation:
                print("{0}, {1}, {2}".format(nom, club, annee_courante - int(annee)))
        f.close()
