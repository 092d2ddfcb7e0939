#!/usr/bin/python3
import os
import signal
import time

for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT, signal.SIGHUP):
    signal.signal(s, signal.SIG_IGN)
print("CHRONO (", os.getpid(), ") démarre !")
while True:
    time.sleep(1)
