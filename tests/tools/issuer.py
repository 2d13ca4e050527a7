#!/usr/bin/env python3
"""Fake OAuth authorization server for mcpauth integration tests (stdlib only).

Usage:
    python3 tests/tools/issuer.py --port PORT --root DIR [--bind 127.0.0.1]
                                  [--portfile FILE] [--verbose]

GET /<path> serves DIR/<path> as application/json, read fresh on every request
(rewrite the file to rotate keys); 404 if missing, 403 on ".." escapes. Every
GET of a non-control path bumps a per-path counter. --port 0 picks a free port;
--portfile FILE receives the real port (atomically) once the socket listens.

Control endpoints (GET, 200 text/plain, never counted):
    /_control/count?path=/jwks.json          -> GETs of that path so far
    /_control/reset                          -> zero all counters, modes, max-ages
    /_control/mode?path=/jwks.json&mode=M    -> per-path misbehaviour, M one of:
        ok       normal service
        500      HTTP 500 with a JSON body
        garbage  200 with body "not json {{{"
        hang     accept, send nothing for 30 s, then close
        big      200 with a 10 MiB {"keys":[...]} body, streamed in chunks
        close    close the connection without any response
        redirect 302 to http://127.0.0.2:1/elsewhere
    /_control/maxage?path=/jwks.json&seconds=N  -> "Cache-Control: max-age=N"
                                                   on that path; N=-1 removes it
    /_control/last?path=/introspect          -> the last POST to that path: its
                                                Authorization header, a newline,
                                                then its body
    /_control/maxconc?path=/introspect       -> most POSTs to that path in progress
                                                at once so far
POST /<path> (RFC 7662 introspection) answers like a GET of that path (the
file's content, misbehaving as its mode says) and is counted the same way;
mode "slow" answers after 10 ms.
Every response is HTTP/1.0 with Content-Length and "Connection: close".
SIGTERM/SIGINT exit cleanly with status 0.
"""
import argparse, json, os, signal, socket, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

MODES = {"ok", "500", "garbage", "hang", "big", "close", "redirect", "slow"}
BIG_SIZE, CHUNK = 10 * 1024 * 1024, 64 * 1024
HANG_SECONDS = 30
lock = threading.Lock()
counts, modes, maxages = {}, {}, {}
lasts, inflight, maxconc = {}, {}, {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    root = "."
    verbose = False

    def log_message(self, fmt, *args):
        if self.verbose:
            sys.stderr.write("issuer: %s %s\n" % (self.address_string(), fmt % args))

    def reply(self, code, body, ctype="application/json", extra=(), length=None):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.send_header("Connection", "close")
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.close_connection = True
        url = urlsplit(self.path)
        path = unquote(url.path)
        try:
            if path.startswith("/_control/"):
                self.control(path[len("/_control/"):], parse_qs(url.query))
            else:
                self.serve(path)
        except OSError:  # client went away, or shutdown() in "close" mode
            pass

    def do_POST(self):
        self.close_connection = True
        path = unquote(urlsplit(self.path).path)
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if 0 < n <= 1 << 20 else b""
        with lock:
            lasts[path] = (self.headers.get("Authorization") or "") + "\n" + body.decode("latin-1")
            inflight[path] = inflight.get(path, 0) + 1
            maxconc[path] = max(maxconc.get(path, 0), inflight[path])
            slow = modes.get(path) == "slow"
        # In progress until the answer starts: a client may be done
        # before this thread runs again.
        if slow:
            time.sleep(0.01)
        with lock:
            inflight[path] -= 1
        try:
            self.serve(path, post=True)
        except OSError:
            pass

    def control(self, name, q):
        p = q.get("path", [""])[0]
        if p and not p.startswith("/"):
            p = "/" + p
        with lock:
            if name == "reset":
                counts.clear(); modes.clear(); maxages.clear()
                lasts.clear(); maxconc.clear()
                return self.reply(200, "ok\n", "text/plain")
            if not p:
                return self.reply(400, "missing path\n", "text/plain")
            if name == "count":
                return self.reply(200, "%d\n" % counts.get(p, 0), "text/plain")
            if name == "last":
                return self.reply(200, lasts.get(p, ""), "text/plain")
            if name == "maxconc":
                return self.reply(200, "%d\n" % maxconc.get(p, 0), "text/plain")
            if name == "mode" and q.get("mode", [""])[0] in MODES:
                modes[p] = q["mode"][0]
                return self.reply(200, "ok\n", "text/plain")
            if name == "maxage":
                try:
                    n = int(q.get("seconds", [""])[0])
                except ValueError:
                    return self.reply(400, "bad seconds\n", "text/plain")
                if n < 0:
                    maxages.pop(p, None)
                else:
                    maxages[p] = n
                return self.reply(200, "ok\n", "text/plain")
        self.reply(400, "bad control request\n", "text/plain")

    def serve(self, path, post=False):
        with lock:
            counts[path] = counts.get(path, 0) + 1
            mode, age = modes.get(path, "ok"), maxages.get(path)
        extra = [("Cache-Control", "max-age=%d" % age)] if age is not None else []
        if mode == "close":
            return self.connection.shutdown(socket.SHUT_RDWR)
        if mode == "hang":
            time.sleep(HANG_SECONDS)
            return
        if mode == "slow" and not post:
            time.sleep(0.01)
        if mode == "500":
            return self.reply(500, '{"error":"server_error"}\n', extra=extra)
        if mode == "garbage":
            return self.reply(200, "not json {{{", extra=extra)
        if mode == "redirect":
            return self.reply(302, "", extra=extra + [("Location", "http://127.0.0.2:1/elsewhere")])
        if mode == "big":
            head, tail = b'{"keys":[', b'"x"]}'
            item = b'"' + b"p" * (CHUNK - 3) + b'",'
            n, rest = divmod(BIG_SIZE - len(head) - len(tail), CHUNK)
            self.reply(200, head, extra=extra, length=BIG_SIZE)
            for _ in range(n):
                self.wfile.write(item)
            # `rest` bytes: one more string element (needs >= 3 bytes) or spaces
            self.wfile.write((b'"' + b"p" * (rest - 3) + b'",') if rest >= 3 else b" " * rest)
            return self.wfile.write(tail)
        parts = path.split("/")
        if ".." in parts or "\\" in path or "\0" in path:
            return self.reply(403, '{"error":"forbidden"}\n', extra=extra)
        fs = os.path.join(self.root, *[x for x in parts if x not in ("", ".")])
        try:
            with open(fs, "rb") as f:
                body = f.read()
        except OSError:
            return self.reply(404, '{"error":"not_found"}\n', extra=extra)
        self.reply(200, body, extra=extra)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser(description="fake OAuth issuer for tests")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--portfile")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    if not os.path.isdir(a.root):
        sys.exit("issuer: --root %s is not a directory" % a.root)
    Handler.root, Handler.verbose = os.path.abspath(a.root), a.verbose
    try:
        srv = Server((a.bind, a.port), Handler)
    except OSError as e:
        sys.exit("issuer: cannot listen on %s:%d: %s" % (a.bind, a.port, e))

    def stop(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if a.portfile:
        tmp = a.portfile + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % srv.server_address[1])
        os.replace(tmp, a.portfile)
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        srv.server_close()


if __name__ == "__main__":
    main()
