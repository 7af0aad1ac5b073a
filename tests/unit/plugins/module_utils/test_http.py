# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""_http.Opener against a real HTTPS server on loopback: the TLS settings hold, and one context serves every request."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.error import HTTPError, URLError

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ansible_collections.anchorage.registry.plugins.module_utils._http import Opener


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        status = 404 if self.path == "/missing" else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def https_server(tmp_path_factory):
    """``(base URL, CA file)``: a server whose self-signed certificate names 127.0.0.1."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "anchorage test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    directory = tmp_path_factory.mktemp("tls")
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert_file), str(key_file))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "https://127.0.0.1:%d" % server.server_address[1], str(cert_file)
    server.shutdown()
    server.server_close()


def test_the_given_ca_is_trusted_and_one_context_serves_every_request(https_server):
    url, ca_file = https_server
    opener = Opener(validate_certs=True, ca_path=ca_file)
    assert opener.open("GET", url + "/").read() == b"ok"
    context = opener._context
    assert opener.open("GET", url + "/again").read() == b"ok"
    assert opener._context is context


def test_a_certificate_no_trusted_ca_signed_is_refused(https_server):
    url, _ca_file = https_server
    with pytest.raises(URLError, match="CERTIFICATE_VERIFY_FAILED"):
        Opener(validate_certs=True).open("GET", url + "/")


def test_validate_certs_false_skips_the_check(https_server):
    url, _ca_file = https_server
    assert Opener(validate_certs=False).open("GET", url + "/").read() == b"ok"


def test_http_errors_are_raised_as_open_url_raises_them(https_server):
    url, ca_file = https_server
    with pytest.raises(HTTPError) as caught:
        Opener(ca_path=ca_file).open("GET", url + "/missing")
    assert caught.value.code == 404
