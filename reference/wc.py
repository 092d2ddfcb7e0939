#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# usage: wc.py file

import os, sys          # import de modules (packages)
if len(sys.argv[1:]) == 0:
    sys.stderr.write("argument fichier manquant !\n")
    exit(1)
file = sys.argv[1]
if not os.path.isfile(file):
    msg = file + " n'est pas un fichier regulier\n"
    sys.stderr.write(msg)
    exit(1)

nbl = 0
f = open(file, 'r')      # f est un objet de type 'file' ouvert en lecture
# parcours ligne après ligne
while f.readline():      # tant qu'il y a une ligne à lire dans f
    nbl += 1              # nbl = nbl + 1
f.close()
print("nbre de lignes de", file, ":", nbl)
