# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The keepalived role's HTTP health check (roles/keepalived/files/keepalived-check-http).

Run for real (sh and curl) against a loopback HTTP server that answers what each test asks,
and against the real Distribution binary for the registry's own /v2/ answers.
"""

from __future__ import annotations

import http.server
import os
import subprocess
import threading
import time

import pytest

SCRIPT = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "roles", "keepalived", "files", "keepalived-check-http")


class _Handler(http.server.BaseHTTPRequestHandler):
    answers = {}

    def do_GET(self):
        status, body, delay = self.answers.get(self.path, (404, b"", 0))
        time.sleep(delay)
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    _Handler.answers = {
        "/v2/": (401, b'{"errors":[{"code":"UNAUTHORIZED"}]}', 0),
        "/readyz": (200, b"", 0),
        "/down": (503, b"", 0),
        "/api/v2.0/health": (200, b'{"status":"healthy","components":[{"name":"core","status":"healthy"}]}', 0),
        "/api/v2.0/sick": (200, b'{"status":"unhealthy","components":[{"name":"db","status":"unhealthy","error":"x"}]}', 0),
        "/slow": (200, b"", 3),
    }
    yield "http://127.0.0.1:%d" % httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def check(*args):
    started = time.monotonic()
    done = subprocess.run(["sh", SCRIPT] + list(args), capture_output=True, text=True, timeout=20, check=False)
    return done.returncode, done.stderr, time.monotonic() - started


@pytest.mark.parametrize("args, path, healthy", [
    (["-c", "200,401"], "/v2/", True),          # Distribution with authentication on
    ([], "/v2/", False),                        # 401 is not in the default 200
    ([], "/readyz", True),                      # zot
    (["-c", "200,401"], "/down", False),        # Distribution whose storage check fails answers 503
    (["-r", "unhealthy"], "/api/v2.0/health", True),
    (["-r", "unhealthy"], "/api/v2.0/sick", False),
    ([], "/api/v2.0/sick", True),               # without the pattern only the status counts
])
def test_status_codes_and_body_pattern(server, args, path, healthy):
    rc, err = check(*(args + [server + path]))[:2]
    assert (rc == 0) is healthy, err
    if not healthy:
        assert rc == 1 and err.startswith(server + path)


def test_a_refused_connection_is_unhealthy_at_once(free_port):
    rc, err, took = check("http://127.0.0.1:%d/v2/" % free_port)
    assert rc == 1 and "Failed to connect" in err
    assert took < 1.0


def test_a_slow_answer_fails_after_the_timeout(server):
    rc, err, took = check("-t", "0.5", server + "/slow")
    assert rc == 1 and "timed out" in err.lower()
    assert 0.4 < took < 2.5


def test_usage_errors_exit_2():
    assert check()[0] == 2
    assert check("-x", "http://127.0.0.1/")[0] == 2


def test_against_the_real_registry(distribution, free_port):
    registry = distribution()
    assert check("-c", "200,401", registry.url + "/v2/")[0] == 0
    registry.stop()
    rc, err = check("-c", "200,401", registry.url + "/v2/")[:2]
    assert rc == 1 and "Failed to connect" in err
