"""Slow and greedy clients against a running server started with short limits
(`--idle-timeout 2 --body-timeout 2 --max-connections 250`): 200 connections that send half a
request head, stall in the middle of a body, or sit idle after a request are all closed by the
server, other clients are served meanwhile, and connections past the cap are closed at once.

Usage: slow_clients.py HOST PORT      (prints "slow clients: N passed, M failed")
"""
import socket
import sys
import time
import urllib.request

HOST, PORT = sys.argv[1], int(sys.argv[2])
passed = failed = 0


def check(what, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL", what, detail)


def connect():
    s = socket.create_connection((HOST, PORT), timeout=5)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def closed_by_server(s, wait):
    s.settimeout(wait)
    try:
        while True:
            data = s.recv(65536)
            if not data:
                return True
    except socket.timeout:
        return False
    except OSError:
        return True


def served():
    started = time.monotonic()
    with urllib.request.urlopen(f"http://{HOST}:{PORT}/healthz", timeout=5) as reply:
        return reply.status == 200 and time.monotonic() - started < 2


slow = []
for i in range(200):
    s = connect()
    kind = i % 3
    if kind == 0:  # half a request head
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
    elif kind == 1:  # a body that stops after a few bytes
        s.sendall(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"user")
    else:  # a whole request, then idle on keep-alive
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    slow.append((kind, s))
time.sleep(0.5)
check("another client is served while 200 slow connections are open", served())
time.sleep(3)
names = ["half a head", "a stalled body", "idle keep-alive"]
for kind in range(3):
    closed = sum(closed_by_server(s, 3) for k, s in slow if k == kind)
    total = sum(1 for k, _ in slow if k == kind)
    check(f"every connection with {names[kind]} is closed by the server", closed == total, f"{closed} of {total}")
for _, s in slow:
    s.close()

# Past the cap: the connections over it are closed as soon as they open.
greedy = [connect() for _ in range(300)]
time.sleep(0.5)
closed = sum(closed_by_server(s, 0.2) for s in greedy)
check("connections past the cap are closed at once", closed >= 50, f"{closed} of 300 closed")
for s in greedy:
    s.close()
time.sleep(0.5)
check("the server serves again once they are gone", served())
print(f"slow clients: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
