#!/usr/bin/env python3
# The reference wine client, for the cross-check: orders N bottles (second
# argument) in plain decimal text, ended by a newline (int() ignores it, and a
# server that reads lines needs it), from the server on the port given as
# first argument, and prints the raw answer: "ANSWER <its bytes in hexadecimal>",
# or "FAILED <error>".
import socket
import sys

port, n = int(sys.argv[1]), int(sys.argv[2])
client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    client.connect(("127.0.0.1", port))
    client.sendall(f"{n}\n".encode())
    client.settimeout(10)
    answer = client.recv(1024)
    client.settimeout(0.2)  # an answer sent in pieces: the rest comes at once
    try:
        while True:
            chunk = client.recv(1024)
            if not chunk:
                break
            answer += chunk
    except socket.timeout:
        pass
    print("ANSWER", answer.hex() or "-", flush=True)
except OSError as e:
    print("FAILED", type(e).__name__, flush=True)
client.close()
