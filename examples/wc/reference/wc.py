#!/usr/bin/python3
# usage: wc.py fichier
# Prints the number of lines, words and characters of the file, in that
# order, then its name, as Unix's wc does.
import sys

if len(sys.argv) < 2:
    sys.stderr.write("usage: wc.py fichier\n")
    sys.exit(1)
name = sys.argv[1]
try:
    with open(name, encoding="utf-8") as f:
        text = f.read()
except OSError:
    sys.stderr.write(name + " : Pb ouverture\n")
    sys.exit(1)
print(text.count("\n"), len(text.split()), len(text), name)
