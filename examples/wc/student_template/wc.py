#!/usr/bin/python3
# usage: wc.py fichier
#
# I.1 : écrire wc.py, qui affiche le nombre de lignes, de mots et de
# caractères du fichier donné en argument, dans cet ordre, puis son nom,
# comme la commande wc :
#   $ ./wc.py poeme.txt
#   4 14 63 poeme.txt
# - sans argument : un message d'usage sur la sortie d'erreur
#   (`usage: wc.py fichier`) et un code de retour non nul ;
# - un fichier qu'on ne peut pas ouvrir : un message sur la sortie d'erreur
#   qui le nomme, sans trace d'exception (try ... except OSError).
# Un mot est une suite de caractères sans blanc ; un caractère accentué
# compte pour un caractère.
import sys
