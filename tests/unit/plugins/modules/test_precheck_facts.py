# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""precheck_facts against a real Distribution on loopback, over HTTP and over HTTPS with a CA."""

from __future__ import annotations

import datetime
import ipaddress

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ansible_collections.anchorage.registry.plugins.modules import precheck_facts


def _ca_and_server(tmp_path):
    """A CA's PEM, and server certificate and key files for 127.0.0.1 it signed."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, u"test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True).sign(ca_key, hashes.SHA256()))
    server = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, u"127.0.0.1")]))
              .issuer_name(ca_name).public_key(key.public_key()).serial_number(2).not_valid_before(now)
              .not_valid_after(now + datetime.timedelta(days=1))
              .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(u"127.0.0.1"))]), critical=False)
              .sign(ca_key, hashes.SHA256()))
    (tmp_path / "server.crt").write_bytes(server.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "server.key").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                            serialization.NoEncryption()))
    return ca.public_bytes(serialization.Encoding.PEM).decode()


def test_a_real_registry_is_found_listening_and_answering(run_module, distribution, tmp_path):
    registry = distribution()
    result = run_module(precheck_facts, {"ports": [registry.port], "paths": [str(tmp_path / "not-yet")],
                                         "names": ["localhost"], "registries": [{"url": registry.url}]}, check_mode=True)
    assert result["changed"] is False
    assert [(item["address"], item["pid"], item["command"], item["ours"]) for item in result["listeners"]] == [
        ("127.0.0.1", registry.process.pid, "docker-registry", False)]
    assert result["disks"][0]["checked"] == str(tmp_path) and result["disks"][0]["free_bytes"] > 0
    assert "127.0.0.1" in result["names"]["localhost"]
    assert result["registries"] == [{"url": registry.url + "/v2/", "status": 200, "error": None}]
    assert result["memory_bytes"] > 0 and result["cpus"] >= 1


def test_https_answers_trusting_its_ca_and_fails_with_another(run_module, distribution, tmp_path):
    ca = _ca_and_server(tmp_path)
    (tmp_path / "other").mkdir()
    other_ca = _ca_and_server(tmp_path / "other")
    registry = distribution(http={"tls": {"certificate": str(tmp_path / "server.crt"), "key": str(tmp_path / "server.key")}})
    trusted = run_module(precheck_facts, {"registries": [{"url": registry.url, "ca": ca}]})
    refused = run_module(precheck_facts, {"registries": [{"url": registry.url, "ca": other_ca}]})
    assert trusted["registries"][0]["status"] == 200
    assert refused["registries"][0]["status"] is None and "certificate verify failed" in refused["registries"][0]["error"]
