#!/usr/bin/env python3
"""Lab stand-in for harbor-core: the health check and the admin password, answered as Harbor's core does.

- GET /api/v2.0/health: {"status": "healthy"|"unhealthy", "components": [{"name", "status", "error"}]},
  each component really checked: the database with a query through psql (with the password
  prepare gave), Redis with PING, the registry with GET /.
- At start, the version of the images in schema_migrations (Harbor's core migrates its schema then).
- The local users in PostgreSQL (table harbor_user): at start, admin (user 1) gets
  HARBOR_ADMIN_PASSWORD only while it has no password yet (core's updateInitPassword), so
  harbor.yml's password counts at the first start only. GET /api/v2.0/users/current and
  PUT /api/v2.0/users/{id}/password with Basic auth, with core's rules (src/server/v2.0/handler/user.go):
  one's own change needs the current password (403), the new one 8-128 characters with upper,
  lower case and a digit (400), not the same as before (400).
Not Harbor: no UI, no other API, no token service.
"""

import base64
import hashlib
import json
import os
import re
import secrets
import socket
import subprocess
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def read_env(path="/etc/harbor-standin/password.env"):
    # The passwords prepare wrote (mounted, not env_file: see prepare.py).
    with open(path) as handle:
        return dict(line.rstrip("\n").split("=", 1) for line in handle if "=" in line)


ENV = dict(os.environ, **read_env())


def psql(script, **variables):
    """Run ``script`` (psql variables :'name' quoted by psql) on stdin: no value on a command line."""
    argv = ["psql", "-h", ENV["POSTGRESQL_HOST"], "-p", ENV["POSTGRESQL_PORT"], "-U", ENV["POSTGRESQL_USERNAME"],
            "-d", ENV["POSTGRESQL_DATABASE"], "-tA", "-v", "ON_ERROR_STOP=1"]
    sets = "".join("\\set %s %s\n" % (name, value) for name, value in variables.items())
    env = dict(ENV, PGPASSWORD=ENV["POSTGRESQL_PASSWORD"], PGCONNECT_TIMEOUT="3")
    done = subprocess.run(argv, input=sets + script, env=env, capture_output=True, text=True, timeout=5, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip() or "psql failed")
    return done.stdout.strip()


def database():
    psql("select 1;")


# Only hex strings and the version (v2.16.0) reach psql's \set lines: nothing to quote.
def digest(password, salt):
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), 4096, 16).hex()


def init_users():
    psql("CREATE TABLE IF NOT EXISTS harbor_user (user_id int PRIMARY KEY, username text UNIQUE, salt text NOT NULL,"
         " password text NOT NULL);"
         "INSERT INTO harbor_user VALUES (1, 'admin', '', '') ON CONFLICT DO NOTHING;")
    # Harbor's core migrates the schema at start (schema_migrations); the stand-in records its version there.
    psql("CREATE TABLE IF NOT EXISTS schema_migrations (version text NOT NULL); DELETE FROM schema_migrations;"
         "INSERT INTO schema_migrations VALUES (:'version');", version=ENV["HARBOR_VERSION"])
    salt = secrets.token_hex(16)
    # core's updateInitPassword: only while admin has no password (no salt) yet.
    psql("UPDATE harbor_user SET salt = :'salt', password = :'pw' WHERE user_id = 1 AND salt = '';",
         salt=salt, pw=digest(ENV["HARBOR_ADMIN_PASSWORD"], salt))


def init_users_when_the_database_answers():
    for _ in range(120):  # bounded: about two minutes
        try:
            init_users()
            return
        except Exception:  # the database is not up yet
            time.sleep(1)


def verify(username, password):
    """The user's id when ``password`` is theirs, else None."""
    row = username and psql("SELECT user_id, salt, password FROM harbor_user"
                            " WHERE username = convert_from(decode(:'name', 'hex'), 'UTF8');",
                            name=username.encode().hex())
    if not row:
        return None
    user_id, salt, stored = row.split("|")
    return int(user_id) if salt and secrets.compare_digest(digest(password, salt), stored) else None


def valid_secret(value):
    # core's requireValidSecret.
    return bool(8 <= len(value) <= 128 and re.search("[a-z]", value) and re.search("[A-Z]", value)
                and re.search("[0-9]", value))


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


def error(code, status, message):
    # Harbor's error body: {"errors": [{"code", "message"}]}.
    return status, {"errors": [{"code": code, "message": message}]}


def authenticated(header):
    """The caller's (user id, name) from a Basic ``Authorization`` header, or None."""
    if not header or not header.startswith("Basic "):
        return None
    try:
        username, password = base64.b64decode(header[6:]).decode().split(":", 1)
    except ValueError:
        return None
    user_id = verify(username, password)
    return None if user_id is None else (user_id, username)


def current_user(caller, body):
    return 200, {"user_id": caller[0], "username": caller[1], "sysadmin_flag": caller[0] == 1,
                 "admin_role_in_auth": False}


def change_password(caller, body, user_id):
    if caller[0] != user_id and caller[0] != 1:
        return error("FORBIDDEN", 403, "forbidden")
    if caller[0] == user_id and verify(caller[1], body.get("old_password") or "") is None:
        return error("FORBIDDEN", 403, "Current password is incorrect")
    new = body.get("new_password") or ""
    if not valid_secret(new):
        return error("BAD_REQUEST", 400, "the password or secret must be 8-128, inclusively, characters long with at "
                                         "least 1 uppercase letter, 1 lowercase letter and 1 number")
    name = psql("SELECT username FROM harbor_user WHERE user_id = %d;" % user_id)
    if not name:
        return error("NOT_FOUND", 404, "user %d not found" % user_id)
    if verify(name, new) is not None:
        return error("BAD_REQUEST", 400, "New password is identical to old password")
    salt = secrets.token_hex(16)
    psql("UPDATE harbor_user SET salt = :'salt', password = :'pw' WHERE user_id = %d;" % user_id,
         salt=salt, pw=digest(new, salt))
    return 200, None


class Handler(BaseHTTPRequestHandler):
    def reply(self, status, document):
        body = b"" if document is None else json.dumps(document).encode()
        self.send_response(status)
        if document is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def api(self, method):
        path = self.path.split("?")[0]
        password = re.match(r"^/api/v2\.0/users/([0-9]+)/password$", path)
        if method == "GET" and path == "/api/v2.0/users/current":
            handler, args = current_user, ()
        elif method == "PUT" and password:
            handler, args = change_password, (int(password.group(1)),)
        else:
            self.send_error(404)
            return
        try:
            caller = authenticated(self.headers.get("Authorization"))
            if caller is None:
                self.reply(*error("UNAUTHORIZED", 401, "unauthorized"))
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}") if length else {}
            self.reply(*handler(caller, body, *args))
        except Exception as exc:  # the database is down: core answers 500
            self.reply(*error("UNKNOWN", 500, str(exc)))

    def do_GET(self):
        if self.path.split("?")[0] != "/api/v2.0/health":
            self.api("GET")
            return
        parts = components()
        healthy = all(part["status"] == "healthy" for part in parts)
        self.reply(200, {"status": "healthy" if healthy else "unhealthy", "components": parts})

    def do_PUT(self):
        self.api("PUT")


if __name__ == "__main__":
    threading.Thread(target=init_users_when_the_database_answers, daemon=True).start()
    ThreadingHTTPServer(("", 8080), Handler).serve_forever()
