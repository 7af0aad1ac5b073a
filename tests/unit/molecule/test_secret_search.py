# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The search of molecule/shared/secret_search.py, on real base64 and real text."""

from __future__ import annotations

import base64
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "molecule", "shared"))

import secret_search as ss  # noqa: E402

SECRET = "molecule-node-trust-secret"


@pytest.mark.parametrize("prefix", ["", "r", "ro", "robot:", "Authorization: x", "12345678"])
@pytest.mark.parametrize("suffix", ["", "\n", "x", "xy"])
def test_a_secret_is_found_base64_encoded_at_any_offset(prefix, suffix):
    encoded = base64.b64encode((prefix + SECRET + suffix).encode())
    assert any(fragment in encoded for fragment in ss.b64_fragments(SECRET.encode()))


def test_base64_fragments_are_not_found_in_other_text():
    other = base64.b64encode(b"robot:molecule-node-trust-secreT")
    assert not any(fragment in other for fragment in ss.b64_fragments(SECRET.encode()))


def test_a_pem_key_is_searched_by_its_body_lines():
    key = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nshort\n-----END PRIVATE KEY-----\n"
    plain = [needle for name, needle in ss.needles("key", key) if name == "key"]
    assert plain == [b"MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"]


def test_a_short_secret_is_refused():
    with pytest.raises(ValueError, match="shorter than 8"):
        ss.needles("vrrp", "abc")


def test_hits_name_the_line_and_never_show_the_secret():
    needles = ss.needles("robot's password", SECRET)
    header = base64.b64encode(("robot:" + SECRET).encode()).decode()
    data = ("ok line\nansible-registry_config Invoked with storage={'secretkey': '%s'} path=/x\n"
            "Authorization: Basic %s\n" % (SECRET, header)).encode()
    hits = ss.search("host:journal", data, needles)
    assert [hit.line for hit in hits] == [2, 3]
    assert "'secretkey': '<secret: robot's password>'" in hits[0].excerpt
    assert "<secret: robot's password (base64)>" in hits[1].excerpt
    for hit in hits:
        assert SECRET not in hit.excerpt and header not in hit.excerpt
        assert not any(fragment.decode() in hit.excerpt for fragment in ss.b64_fragments(SECRET.encode()))


def test_a_long_line_is_cut_around_the_secret():
    needles = ss.needles("s", SECRET)
    hits = ss.search("controller", ("a" * 500 + SECRET + "b" * 500).encode(), needles)
    assert hits[0].excerpt == "..." + "a" * ss.EXCERPT + "<secret: s>" + "b" * ss.EXCERPT + "..."


def test_no_hit_in_clean_logs():
    assert ss.search("controller", b"password=NOT_LOGGING_PARAMETER\n", ss.needles("s", SECRET)) == []


def test_declared_secrets_from_variables_and_files():
    hostvars = {"a": {"lab": {"pw": "one-secret-value"}}, "b": {"lab": {"pw": "one-secret-value"}}, "c": {}}
    declared = [{"name": "pw", "var": "lab.pw"}, {"name": "http.secret", "file": "/etc/x"}]
    secrets = ss.declared_secrets(declared, hostvars, lambda glob: [("a", glob, "file-secret-value\n")])
    assert secrets == [("pw", "one-secret-value"), ("http.secret (a:/etc/x)", "file-secret-value\n")]


@pytest.mark.parametrize("declared, hostvars, message", [
    ([{"name": "pw", "var": "lab.nope"}], {"a": {}}, r"secrets\[0\]: lab.nope was found on no host"),
    ([{"name": "pw", "var": "pw"}], {"a": {"pw": "{{ other }}"}}, r"secrets\[0\]: pw is a template"),
    ([{"name": "pw"}], {"a": {}}, r"secrets\[0\]: give var or file"),
])
def test_declared_secrets_errors(declared, hostvars, message):
    with pytest.raises(ValueError, match=message):
        ss.declared_secrets(declared, hostvars, lambda glob: [])


RULES = [
    {"path": "/etc/anchorage/registry*/config.yml", "owner": "root", "group": "root"},
    {"path": "/etc/anchorage/registry/htpasswd", "owner": "root", "group": "root", "hashed": True},
]


def test_private_declared_files_pass():
    found = {
        ("h1", "/etc/anchorage/registry/config.yml"): ("640", "root", "root", True),
        ("h1", "/etc/anchorage/registry/htpasswd"): ("640", "root", "root", False),
        # Declared but holding no secret, and not hashed: not checked.
        ("h2", "/etc/anchorage/registry-http/config.yml"): ("644", "root", "root", False),
    }
    assert ss.file_problems(found, RULES) == ([], 2)


def test_file_problems_name_host_path_and_what_is_wrong():
    found = {
        ("h1", "/etc/anchorage/registry/config.yml"): ("644", "root", "root", True),
        ("h1", "/etc/anchorage/registry/htpasswd"): ("600", "www-data", "root", False),
        ("h2", "/root/.docker/config.json"): ("600", "root", "root", True),
    }
    problems = ss.file_problems(found, RULES)[0]
    assert problems == [
        "h1:/etc/anchorage/registry/config.yml is mode 0644, not 0600 or 0640",
        "h1:/etc/anchorage/registry/htpasswd is owned by www-data:root, not root:root",
        "h2:/root/.docker/config.json holds a secret and is not a declared file",
    ]


def test_a_declared_file_found_nowhere_fails():
    problems = ss.file_problems({}, RULES)[0]
    assert problems == ["lab_secret_search.files: %s matches no file holding a secret on any host" % rule["path"] for rule in RULES]


def test_report_passes_with_counts_and_fails_masked():
    assert ss.report([], [], 1234, 4, 3).splitlines() == [
        "0 hits in 1234 bytes of logs from 4 hosts (journal, /var/log) and the controller (-vvv converge)",
        "3 files hold secrets on the hosts, each 0600 or 0640 and owned as declared",
    ]
    text = ss.report([ss.Hit("h:journal", 7, "x <secret: s> y")], [], 10, 1, 0)
    assert "  h:journal:7: x <secret: s> y" in text


def test_the_public_part_of_an_ec_key_is_no_needle():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption()).decode("ascii")
    public = ss.public_key_text(private)
    # The traditional encoding ends with the public point at the same base64 alignment as the
    # public key, so its last body line is printed wherever the public key is (openssl_privatekey).
    last = private.strip().splitlines()[-2]
    assert last in public
    found = [value.decode("ascii") for name, value in ss.needles("key", private) if name == "key"]
    assert found and last not in found
    assert all(line not in public for line in found)
