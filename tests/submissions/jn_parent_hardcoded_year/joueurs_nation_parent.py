#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# joueurs_nation_parent.py nation

import sys
import subprocess

if len(sys.argv) < 2:
    sys.stderr.write("Usage: joueurs_nation_parent.py nation\n")
    sys.exit(1)

pipe = subprocess.Popen(['./joueurs_nation_subproc.py', sys.argv[1]],
                        stdout=subprocess.PIPE, universal_newlines=True)
for ligne in pipe.stdout:
    nom, club, _, annee, _ = ligne[:-1].split(':')
    print('{0}, {1}, {2:d}'.format(nom, club, 2021 - int(annee)))
pipe.stdout.close()
if pipe.wait() != 0:
    sys.exit(1)
