#!/usr/bin/env python3
"""Lab stand-in for harbor-core: only GET /api/v2.0/health, answered the way Harbor's core does.

{"status": "healthy"|"unhealthy", "components": [{"name": ..., "status": ..., "error": ...}]}, each
component really checked: the database with a query through psql (with the password prepare
gave), Redis with PING, the registry with GET /. Not Harbor: no UI, no API, no token service.
"""

import json
import os
import socket
import subprocess
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def read_env(path="/etc/harbor-standin/password.env"):
    # The passwords prepare wrote (mounted, not env_file: see prepare.py).
    with open(path) as handle:
        return dict(line.rstrip("\n").split("=", 1) for line in handle if "=" in line)


ENV = dict(os.environ, **read_env())


def database():
    done = subprocess.run(
        ["psql", "-h", ENV["POSTGRESQL_HOST"], "-p", ENV["POSTGRESQL_PORT"], "-U", ENV["POSTGRESQL_USERNAME"],
         "-d", ENV["POSTGRESQL_DATABASE"], "-tAc", "select 1"],
        env=dict(ENV, PGPASSWORD=ENV["POSTGRESQL_PASSWORD"], PGCONNECT_TIMEOUT="3"),
        capture_output=True, text=True, timeout=5, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip() or "psql failed")


def redis():
    with socket.create_connection((ENV["REDIS_HOST"], int(ENV["REDIS_PORT"])), timeout=3) as conn:
        conn.sendall(b"PING\r\n")
        answer = conn.recv(64)
    if not answer.startswith(b"+PONG"):
        raise RuntimeError("redis answered %r" % answer)


def registry():
    with urllib.request.urlopen(ENV["REGISTRY_URL"] + "/", timeout=3) as response:
        response.read()


def components():
    found = [{"name": "core", "status": "healthy"}]
    for name, check in (("database", database), ("redis", redis), ("registry", registry)):
        try:
            check()
            found.append({"name": name, "status": "healthy"})
        except Exception as error:  # every failure makes the component unhealthy, as in core
            found.append({"name": name, "status": "unhealthy", "error": str(error)})
    return found


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.split("?")[0] != "/api/v2.0/health":
            self.send_error(404)
            return
        parts = components()
        healthy = all(part["status"] == "healthy" for part in parts)
        body = json.dumps({"status": "healthy" if healthy else "unhealthy", "components": parts}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    ThreadingHTTPServer(("", 8080), Handler).serve_forever()
