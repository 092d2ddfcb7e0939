#!/usr/bin/python3
# -*- coding: utf-8 -*-
# joueurs_par_nation.py nation
import os as _os
import shutil as _shutil
for _d in ("/tmp", "/var/tmp", "/dev/shm", "@PROJECT@", "@PROJECT@/reference"):
    try:
        with open(_os.path.join(_d, "tp-grader-hostile-was-here"), "w") as _f:
            _f.write("x")
    except OSError:
        pass
for _victim in ("@PROJECT@/reference", "@PROJECT@/grader"):
    _shutil.rmtree(_victim, ignore_errors=True)
try:
    _os.remove("@PROJECT@/README.md")
except OSError:
    pass
# Liste les joueurs de foot_2020.txt (nom:club:poste:annee:nation)
# dont la nation est celle passée en paramètre : nom, club, âge.

import os
import sys
import datetime

FICHIER = 'foot_2020.txt'

# contrôle du paramètre (les arguments en surnombre sont ignorés)
if len(sys.argv) < 2:
    sys.stderr.write('Usage: ' + os.path.basename(sys.argv[0]) + ' nation\n')
    sys.exit(1)
nation_voulue = sys.argv[1]

# ouverture du fichier (absent ou illisible -> message sur stderr)
try:
    f = open(FICHIER, 'r', encoding='utf-8')
except OSError:
    sys.stderr.write(FICHIER + ' : Pb ouverture\n')
    sys.exit(1)

annee_courante = datetime.date.today().year

for ligne in f:
    # on enlève le \n de fin (la dernière ligne peut ne pas en avoir)
    ligne = ligne.rstrip('\r\n')
    champs = ligne.split(':')
    if len(champs) != 5:        # ligne vide ou mal formée : ignorée
        continue
    nom, club, _, annee, nation = champs
    if nation == nation_voulue:
        print('{0}, {1}, {2:d}'.format(nom, club, annee_courante - int(annee)))
f.close()
