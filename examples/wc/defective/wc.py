#!/usr/bin/python3
# usage: wc.py fichier
# One realistic bug: the characters are counted as the file's size in
# bytes, and an accented letter is two bytes in UTF-8.
import os
import sys

if len(sys.argv) < 2:
    sys.stderr.write("usage: wc.py fichier\n")
    sys.exit(1)
name = sys.argv[1]
try:
    f = open(name)
except OSError:
    print("Pb ouverture de", name, file=sys.stderr)
    sys.exit(1)
lines = words = 0
for line in f:
    lines += 1
    words += len(line.split())
f.close()
print(lines, words, os.path.getsize(name), name)
