#!/usr/bin/env python3
# The reference wine server, for the cross-check: it listens on the port given
# as argument (the one the student's server uses, so the student's client
# finds it), takes one order, and says what came: "ORDER N" when the order is
# plain decimal text (then answers N bottles after the statement's 3 s, on the
# grader's clock), else "PROTOCOL <bytes>" and closes.
import socket
import sys
import time

port = int(sys.argv[1])
server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("", port))
server.listen(5)
print("LISTENING", flush=True)
connection, _address = server.accept()
connection.settimeout(5)
data = b""
try:
    data = connection.recv(1024)
    connection.settimeout(0.1)  # an order sent in pieces: the rest comes at once
    while True:
        chunk = connection.recv(1024)
        if not chunk:
            break
        data += chunk
except OSError:  # no more for now (time-out), or the client left
    pass
text = data.decode("ascii", "replace").strip()
if text.isdigit():
    print("ORDER", int(text), flush=True)
    time.sleep(3)
    connection.sendall(str(min(int(text), 300)).encode())
else:
    print("PROTOCOL", repr(data), flush=True)
connection.close()
server.close()
