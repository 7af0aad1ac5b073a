# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""_http.Opener against real HTTP and HTTPS servers on loopback: the TLS settings hold, one context
serves every request and none is made for http, redirects follow the policy, Authorization stays
with the URL it was sent to, and the proxy setting holds."""

from __future__ import annotations

import collections
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.error import HTTPError, URLError

import pytest

from certificates import self_signed

from ansible_collections.anchorage.registry.plugins.module_utils._http import Opener

Servers = collections.namedtuple("Servers", "url ca_file https plain_url plain")


class _Handler(BaseHTTPRequestHandler):
    """``/redirect/<path>`` answers 307 to ``<path>`` on the other server (``server.other``); every
    request is recorded as ``(method, path, Authorization header)`` in ``server.seen``."""

    def _answer(self, body):
        self.server.seen.append((self.command, self.path, self.headers.get("Authorization")))
        if self.path.startswith("/redirect/"):
            self.send_response(307)
            self.send_header("Location", self.server.other + self.path[len("/redirect"):])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status = 404 if self.path == "/missing" else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        if body:
            self.wfile.write(b"ok")

    def do_GET(self):
        self._answer(True)

    def do_HEAD(self):
        self._answer(False)

    def do_POST(self):
        self._answer(True)

    def log_message(self, *args):
        pass


def _serve(server):
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


@pytest.fixture(scope="module")
def https_server(tmp_path_factory):
    """An HTTPS server whose self-signed certificate names 127.0.0.1, and a plain HTTP one; each
    redirects ``/redirect/...`` to the other."""
    _key, _certificate, cert_file, key_file = self_signed(tmp_path_factory.mktemp("tls"), "anchorage-test")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    plain = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    url, plain_url = "https://127.0.0.1:%d" % server.server_address[1], "http://127.0.0.1:%d" % plain.server_address[1]
    server.other, plain.other = plain_url, url
    yield Servers(url, cert_file, _serve(server), plain_url, _serve(plain))
    for each in (server, plain):
        each.shutdown()
        each.server_close()


def test_the_given_ca_is_trusted_and_one_context_serves_every_request(https_server):
    opener = Opener(validate_certs=True, ca_path=https_server.ca_file)
    assert opener.open("GET", https_server.url + "/").read() == b"ok"
    assert opener.open("GET", https_server.url + "/again").read() == b"ok"
    assert opener.contexts_made == 1


def test_plain_http_makes_no_tls_context(https_server):
    opener = Opener()
    assert opener.open("GET", https_server.plain_url + "/").read() == b"ok"
    assert opener.open("GET", https_server.plain_url + "/again").read() == b"ok"
    assert opener.contexts_made == 0


def test_the_ca_given_as_pem_text_is_trusted(https_server):
    with open(https_server.ca_file) as handle:
        pem = handle.read()
    assert Opener(ca_data=pem).open("GET", https_server.url + "/").read() == b"ok"


def test_a_certificate_no_trusted_ca_signed_is_refused(https_server):
    with pytest.raises(URLError, match="CERTIFICATE_VERIFY_FAILED"):
        Opener(validate_certs=True).open("GET", https_server.url + "/")


def test_validate_certs_false_skips_the_check(https_server):
    assert Opener(validate_certs=False).open("GET", https_server.url + "/").read() == b"ok"


def test_http_errors_are_raised(https_server):
    with pytest.raises(HTTPError) as caught:
        Opener(ca_path=https_server.ca_file).open("GET", https_server.url + "/missing")
    assert caught.value.code == 404


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_safe_redirects_keep_the_method_and_leave_authorization_behind(https_server, method):
    """The https server sends the request on to the plain one, as Distribution sends a blob to object storage."""
    opener = Opener(ca_path=https_server.ca_file)
    https_server.plain.seen.clear()
    response = opener.open(method, https_server.url + "/redirect/blob", headers={"Authorization": "Basic c2VjcmV0"})
    assert response.status == 200
    assert https_server.https.seen[-1] == (method, "/redirect/blob", "Basic c2VjcmV0")
    assert https_server.plain.seen == [(method, "/blob", None)]


def test_a_redirected_post_is_an_error_under_safe(https_server):
    with pytest.raises(HTTPError) as caught:
        Opener(ca_path=https_server.ca_file).open("POST", https_server.url + "/redirect/upload", data=b"x")
    assert caught.value.code == 307


def test_no_redirect_is_followed_under_none(https_server):
    https_server.plain.seen.clear()
    with pytest.raises(HTTPError) as caught:
        Opener(ca_path=https_server.ca_file, follow_redirects="none").open("GET", https_server.url + "/redirect/blob")
    assert caught.value.code == 307
    assert https_server.plain.seen == []


def test_use_proxy_false_ignores_the_environment_proxy(https_server, monkeypatch):
    # A proxy that refuses connections: a request through it would fail.
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    with pytest.raises(URLError):
        Opener().open("GET", https_server.plain_url + "/")
    assert Opener(use_proxy=False).open("GET", https_server.plain_url + "/").read() == b"ok"
