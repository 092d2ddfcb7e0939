#!/usr/bin/env python3
# -*- coding: utf-8 -*-
# nba_par_nation.py nation
# Structure de nba_2019.txt (dans le répertoire courant) :
#   prenom nom:taille:club:annee_naissance:nation
# Affiche "prenom nom, club, age" pour chaque basketteur de la nation donnée.

import datetime
import os
import sys

NOM_FICHIER = "nba_2019.txt"


def main():
    if len(sys.argv) < 2:
        print(f"Usage : {os.path.basename(sys.argv[0])} nation", file=sys.stderr)
        return 1
    nation = sys.argv[1]
    try:
        with open(NOM_FICHIER, encoding="utf-8") as fichier:
            lignes = fichier.read().splitlines()
    except OSError:
        print(f"{NOM_FICHIER} : Pb ouverture", file=sys.stderr)
        return 1
    annee = datetime.date.today().year
    for ligne in lignes:
        champs = ligne.split(":")
        if len(champs) == 5 and champs[4] == nation:
            nom, _taille, club, naissance, _nation = champs
            print(f"{nom}, {club}, {annee - int(naissance)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
