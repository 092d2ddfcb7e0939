#!/usr/bin/python3
import os

print("CHRONO (", os.getpid(), ") démarre !")
while True:
    print("tic " * 30)
