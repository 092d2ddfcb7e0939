#!/usr/bin/python3
# -*- coding: UTF-8 -*-
# usage: wc2.py file

from sys import argv, stderr
from os.path import isfile

if len(argv[1:]) == 0:
    stderr.write('argument fichier manquant !\n') ; exit(1)
file = argv[1]
if not isfile(file):
    msg = file + " n'est pas un fichier regulier\n"
    stderr.write(msg)
    exit(1)
f = open(file, 'r')
print("nombre de lignes de", file, ":", len(f.readlines()))
f.close()
