#!/usr/bin/env python3
"""A stand-in MCP app: answers every request with the request's headers.

Usage: python3 tests/tools/echo_app.py --port PORT [--portfile FILE] [--log FILE]

The body is JSON: {"method": ..., "path": ..., "headers": {name: value}},
header names in lower case, so a test can see exactly what the app got.
"path" is the request target byte for byte as it arrived (Python's own
self.path folds a leading "//").  With --log, each request's target is
also appended to FILE, one a line.
"""
import argparse, json, os, signal, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Echo(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        # The request line is "METHOD TARGET VERSION"; a target never
        # holds a space.
        target = self.requestline.split(" ")[1]
        if self.server.log:
            with open(self.server.log, "a") as f:
                f.write(target + "\n")
        body = json.dumps({
            "method": self.command,
            "path": target,
            "headers": {k.lower(): v for k, v in self.headers.items()},
        }, sort_keys=True).encode() + b"\n"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_DELETE = answer

    def log_message(self, *args):
        pass


class Server(ThreadingHTTPServer):
    # Python's default backlog of 5 overflows when nginx opens new
    # connections to the app under load, stalling them for a SYN retry.
    request_queue_size = 1024
    daemon_threads = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--portfile")
    ap.add_argument("--log")
    a = ap.parse_args()
    srv = Server(("127.0.0.1", a.port), Echo)
    srv.log = a.log
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if a.portfile:
        tmp = a.portfile + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(srv.server_address[1]))
        os.replace(tmp, a.portfile)
    srv.serve_forever()


if __name__ == "__main__":
    main()
