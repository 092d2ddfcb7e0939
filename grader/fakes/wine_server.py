#!/usr/bin/env python3
# The grader's own wine server:  wine_server.py PORT answer|gone
# It listens on PORT (where the student's client connects), on IPv4 and IPv6,
# accepts one client and reads its order, whatever its protocol (the bytes
# that come until the client pauses), and prints "LISTENING", then
# "READ <those bytes in hexadecimal>" ("-" for none; read by the grader
# without ast.literal_eval: see grader/runner.py, plain_report). Then:
#   answer  (the cross-check): an order in plain decimal text is answered
#           like the reference server, min(N, 300) after the statement's 3 s
#           (on the grader's clock), and the server ends;
#   gone    (the clients' `Echec commande`): it never answers. Meanwhile the
#           grader connects more clients, which wait in its listen queue, and
#           then ends it (SIGTERM): the server goes away while they all wait.
#           The accepted client sees its connection closed (recv() gives b''),
#           those in the queue see theirs reset (ConnectionResetError).
import signal
import socket
import sys
import time

port, mode = int(sys.argv[1]), sys.argv[2]
try:  # one socket for both families, where the machine has IPv6
    server = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    server.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("::", port))
except OSError:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("", port))
server.listen(5)
print("LISTENING", flush=True)
connection, _address = server.accept()
connection.settimeout(3)
data = b""
try:
    data = connection.recv(1024)
    connection.settimeout(0.2)  # an order sent in pieces: the rest comes at once
    while data:
        chunk = connection.recv(1024)
        if not chunk:
            break
        data += chunk
except OSError:  # no more for now (time-out), or the client left
    pass
print("READ", data.hex() or "-", flush=True)
if mode == "gone":
    signal.pause()  # until the grader ends it
text = data.decode("ascii", "replace").strip()
if text.isdigit():
    time.sleep(3)
    connection.sendall(str(min(int(text), 300)).encode())
connection.close()
server.close()
