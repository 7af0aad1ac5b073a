# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import subprocess

import pytest

from ansible_collections.anchorage.registry.plugins.module_utils._ca_certificates import (
    certs_d_path,
    flat_name,
    normalise_certificates,
    verify_host,
)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """A real CA certificate and key made by openssl."""
    root = tmp_path_factory.mktemp("pki")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=unit test CA", "-keyout", str(root / "ca.key"), "-out", str(root / "ca.crt")],
                   check=True, capture_output=True)
    return {"cert": (root / "ca.crt").read_text(), "key": (root / "ca.key").read_text()}


def test_a_certificate_comes_back_canonical_and_openssl_still_reads_it(pki, tmp_path):
    messy = "subject=CN = unit test CA\n" + pki["cert"].replace("\n", "\r\n") + "\n\n"
    pem = normalise_certificates(messy)
    assert pem == normalise_certificates(pki["cert"])
    assert pem.startswith("-----BEGIN CERTIFICATE-----\n") and pem.endswith("-----END CERTIFICATE-----\n")
    (tmp_path / "out.crt").write_text(pem)
    shown = subprocess.run(["openssl", "x509", "-noout", "-subject", "-in", str(tmp_path / "out.crt")],
                           check=True, capture_output=True, text=True).stdout
    assert "unit test CA" in shown


def test_a_chain_keeps_every_certificate(pki):
    chain = normalise_certificates(pki["cert"] + pki["cert"])
    assert chain.count("BEGIN CERTIFICATE") == 2


@pytest.mark.parametrize("text, words", [
    ("", "is empty"),
    ("hello", "no -----BEGIN CERTIFICATE----- block"),
    ("-----BEGIN CERTIFICATE-----\n!!!notbase64!!!\n-----END CERTIFICATE-----\n", "not valid base64"),
    ("-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n", "not a DER certificate"),
    ("-----BEGIN PUBLIC KEY-----\naGVsbG8=\n-----END PUBLIC KEY-----\n", "no CERTIFICATE block (found: PUBLIC KEY)"),
])
def test_what_is_not_a_certificate_is_named(text, words):
    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(")", r"\)")):
        normalise_certificates(text)


def test_a_private_key_is_refused_even_next_to_a_certificate(pki):
    with pytest.raises(ValueError, match="PRIVATE KEY: give only the certificate, never a key"):
        normalise_certificates(pki["cert"] + pki["key"])


def test_a_truncated_certificate_is_refused(pki):
    lines = pki["cert"].splitlines()
    cut = "\n".join(lines[:3] + lines[-1:]) + "\n"
    with pytest.raises(ValueError, match="not a DER certificate"):
        normalise_certificates(cut)


def test_layouts():
    assert certs_d_path("/etc/docker/certs.d", "reg.example:5000") == "/etc/docker/certs.d/reg.example:5000/ca.crt"
    assert flat_name("reg.example:5000") == "reg.example_5000.crt"
    assert flat_name("[fd00::1]:5000") == "_fd00__1__5000.crt"


def test_the_verification_connects_to_a_name_the_real_certificate_holds(tmp_path):
    key, cert = tmp_path / "k.pem", tmp_path / "c.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=reg", "-addext", "subjectAltName=DNS:reg.example,IP:10.0.0.5"],
                   check=True, capture_output=True, timeout=60)
    sans = subprocess.run(["openssl", "x509", "-noout", "-ext", "subjectAltName", "-in", str(cert)],
                          check=True, capture_output=True, text=True, timeout=30).stdout
    assert verify_host(sans, ["127.0.0.1", "10.0.0.5"], ["reg.example"]) == "10.0.0.5"
    assert verify_host(sans, ["127.0.0.1"], ["other", "reg.example"]) == "reg.example"
    assert verify_host(sans, ["127.0.0.1"], ["other", ""]) == ""
    assert verify_host("", ["127.0.0.1"], ["reg.example"]) == ""
