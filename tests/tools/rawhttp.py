#!/usr/bin/env python3
"""Raw HTTP/1.1 over a unix socket, for tests of what curl will not send.

Usage:
    rawhttp.py SOCKET send FILE        write FILE's bytes on one connection,
                                       then print every byte the server
                                       sends until it closes or is silent
                                       for 2 s (CR removed)
    rawhttp.py SOCKET idle N FILE      open N connections, send FILE on
                                       each, read one answer on each, and
                                       keep them open (idle keep-alive)
                                       until stdin closes; prints
                                       "open N" once all are answered
    rawhttp.py SOCKET slow N SECONDS   open N connections that send a
                                       request head one byte a second
                                       for SECONDS; prints "slow N" once
                                       all are open, then "closed K": how
                                       many the server closed meanwhile
"""
import resource, socket, sys, time


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s


def read_answer(s):
    """One response with a Content-Length body (or none)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    n = 0
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            n = int(v)
    while len(body) < n:
        chunk = s.recv(65536)
        if not chunk:
            return None
        body += chunk
    return head


def main():
    path, mode = sys.argv[1], sys.argv[2]
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if mode == "send":
        s = connect(path)
        try:
            s.sendall(open(sys.argv[3], "rb").read())
        except OSError:
            pass    # refused before the end: read the answer
        s.settimeout(2)
        out = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                out += chunk
        except (socket.timeout, ConnectionResetError):
            pass
        sys.stdout.write(out.replace(b"\r", b"").decode("latin-1"))
    elif mode == "idle":
        n, req = int(sys.argv[3]), open(sys.argv[4], "rb").read()
        conns = []
        for _ in range(n):
            s = connect(path)
            s.sendall(req)
            conns.append(s)
        answered = sum(1 for s in conns if read_answer(s) is not None)
        print("open %d" % answered, flush=True)
        sys.stdin.read()
    elif mode == "slow":
        n, secs = int(sys.argv[3]), int(sys.argv[4])
        conns = [connect(path) for _ in range(n)]
        print("slow %d" % n, flush=True)
        head = b"GET /auth HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 64
        closed = set()
        for i in range(secs):
            for j, s in enumerate(conns):
                if j in closed:
                    continue
                try:
                    s.sendall(head[i % len(head):i % len(head) + 1])
                except OSError:
                    closed.add(j)
            time.sleep(1)
        print("closed %d" % len(closed), flush=True)


if __name__ == "__main__":
    main()
