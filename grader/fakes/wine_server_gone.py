#!/usr/bin/env python3
# The grader's stand-in server for the clients' `Echec commande`: it listens
# on the port given as argument (where the student's client connects), on
# IPv4 and IPv6, accepts one client and reads its order, whatever its
# protocol (the bytes that come until the client pauses), and never answers.
# Meanwhile the grader connects more clients, which wait in its listen queue,
# and then ends it (SIGTERM): the server goes away while they all wait. The
# accepted client then sees its connection closed (recv() gives b''), those in
# the queue see theirs reset (ConnectionResetError).
# It prints "LISTENING", then "ORDER <the bytes, in hexadecimal>" (read without
# ast.literal_eval: see grader/runner.py plain_report).
import signal
import socket
import sys

port = int(sys.argv[1])
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
print("ORDER", data.hex() or "-", flush=True)
signal.pause()  # until the grader ends it
