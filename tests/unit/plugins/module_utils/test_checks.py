# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""_checks: one test per rule; Go regular expressions are compared with Go's own regexp."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from ansible_collections.anchorage.registry.plugins.module_utils import _checks
from ansible_collections.anchorage.registry.plugins.module_utils._checks import (
    RE2_MISSING,
    certificate_ders,
    duration_errors,
    host_errors,
    listen_errors,
    number_errors,
    parse_duration,
    pem_errors,
    port_errors,
    regex_errors,
    unique_errors,
    url_errors,
)

W = "a.b[0].c"


def one(errors):
    """The single message of ``errors``, which must start with the option's path."""
    assert len(errors) == 1, errors
    assert errors[0].startswith(W + ": "), errors
    return errors[0][len(W) + 2:]


@pytest.mark.parametrize("host", ["registry.example", "registry.example:5000", "10.0.0.5:5000", "[fd00::1]:5000",
                                  "[::1]", "localhost", "a-b.c-d.example:1"])
def test_hosts_that_are_fine(host):
    assert host_errors(host, W) == []


@pytest.mark.parametrize("host, words", [
    ("https://registry.example:5000", "is a URL: give only the host and port (e.g. registry.example:5000)"),
    ("http://10.0.0.5:5000/v2", "is a URL: give only the host and port (e.g. 10.0.0.5:5000)"),
    ("registry.example:5000/library", "has a path: give only the host and port (registry.example:5000)"),
    ("registry.example:99999", "port 99999, outside 1-65535"),
    ("registry.example:0", "port 0, outside"),
    ("-bad.example", "is not a host name"),
    ("reg example", "is not a host name"),
    ("", "must be a host name"),
    (None, "must be a host name"),
    ("user@registry.example", "is not a host name"),
    ("fd00::1", "write an IPv6 address in brackets"),
    ("[fd00::zz]:5000", "'fd00::zz' is not an IPv6 address"),
    ("*", "is not a host name"),
])
def test_hosts_that_are_refused_say_why(host, words):
    assert words in one(host_errors(host, W))


def test_a_host_check_can_accept_a_keyword():
    assert host_errors("*", W, also=("*",)) == [] and host_errors("_default", W, also=("_default",)) == []


@pytest.mark.parametrize("value, low, fine", [
    (5000, 1, True), ("5000", 1, True), (65535, 1, True), (0, 0, True),
    (0, 1, False), (65536, 1, False), ("80a", 0, False), (True, 1, False), (-1, 0, False),
])
def test_ports(value, low, fine):
    errors = port_errors(value, W, low=low)
    assert errors == [] if fine else one(errors) == "%r is not a port number (%d-65535)" % (value, low)


@pytest.mark.parametrize("value, words", [
    (":5000", None), ("127.0.0.1:5000", None), ("[::1]:5000", None), ("redis:6379", None),
    ("5000", "must be HOST:PORT"), (":70000", "port '70000' must be a number from 1 to 65535"),
    ("::1:5000", "write an IPv6 host in brackets"), ("[nope]:5000", "'nope' is not an IPv6 address"),
])
def test_listen_addresses(value, words):
    errors = listen_errors(value, W)
    assert errors == [] if words is None else words in one(errors)


@pytest.mark.parametrize("value, options, words", [
    ("https://registry.example:5000/v2/x", {}, None),
    ("HTTP://[fd00::1]:5000", {}, None),
    ("registry-1.docker.io", {}, "is not a URL with a scheme: write it as https://registry-1.docker.io or http://"),
    ("ftp://mirror", {}, "'ftp://mirror': the scheme must be http:// or https://"),
    ("http://u:p@registry.example", {}, "carries credentials"),
    ("https://registry.example:99999", {}, "port 99999, outside 1-65535"),
    ("https:///x", {}, "must be a host name"),
    ("https://hooks.example/n?token=t", {}, "must not have a query or fragment"),
    ("https://hooks.example/n?token=t", {"query": True}, None),
    ("https://mirror.example/", {"path": False}, None),
    ("https://mirror.example/v2", {"path": False}, "with no path"),
    ("https://auth.example", {"schemes": ("https",)}, None),
    ("http://auth.example", {"schemes": ("https",)}, "the scheme must be https://"),
    ("mirror.example:5000/v2", {"bare": True}, None),
    ("mirror example", {"bare": True}, "is not a host name"),
    ("mirror.example:5000", {}, "is not a URL with a scheme"),
])
def test_urls(value, options, words):
    errors = url_errors(value, W, **options)
    assert errors == [] if words is None else words in one(errors)


def test_whole_numbers_and_numbers_in_a_range():
    assert number_errors(51, W, 1, 255) == []
    assert one(number_errors(256, W, 1, 255)) == "256 is outside 1-255"
    assert one(number_errors(-300, W, -254, 254)) == "-300 is outside -254-254"
    assert one(number_errors(2000, W, 0, 1000, unit="seconds")) == "2000 is outside 0-1000 seconds"
    assert one(number_errors(True, W, 0, 1)) == "True is not a whole number"
    assert one(number_errors(1.5, W, 0, 10)) == "1.5 is not a whole number"
    assert number_errors(1.5, W, 0, 10, whole=False) == []
    assert one(number_errors("5", W, 0, 10, whole=False)) == "'5' is not a number"


@pytest.mark.parametrize("text, seconds", [("0", 0), ("-0", 0), ("90s", 90), ("1h30m", 5400), ("500ms", 0.5),
                                           ("1.5h", 5400), ("-2m", -120), ("10us", 1e-5), ("1\u00b5s", 1e-6),
                                           (".5s", 0.5), ("5.s", 5)])
def test_parse_duration_reads_go_durations(text, seconds):
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "5", "1d", "h", "1h 30m", "1m30", 60, None, "+", "1..5s"])
def test_parse_duration_refuses_what_go_refuses(text):
    with pytest.raises(ValueError):
        parse_duration(text)


def test_duration_rules():
    assert duration_errors("1h", W) == [] and duration_errors("-1h", W) == []
    assert one(duration_errors("1 week", W)).startswith("'1 week' is not a duration")
    assert one(duration_errors("-1h", W, non_negative=True)) == "'-1h' must not be negative"
    assert duration_errors("0", W, non_negative=True) == []
    assert one(duration_errors("0s", W, positive=True)) == "'0s' must be above 0"
    assert duration_errors("1ns", W, positive=True) == []


def test_unique_names():
    items = [{"name": "a"}, {"name": "b"}, {"name": "A"}, {"name": "a"}, {"name": None}, {"name": ["x"]}, "bare"]
    assert unique_errors(items, "a.b", "name") == ["a.b[3].name: 'a' is listed twice (first at a.b[0].name)"]
    assert unique_errors(items, "a.b", "name", fold=True) == [
        "a.b[2].name: 'A' is listed twice (first at a.b[0].name)",
        "a.b[3].name: 'a' is listed twice (first at a.b[0].name)"]
    assert unique_errors(None, "a.b", "name") == []


# Patterns whose verdict differs between Go's regexp and Python's re or PCRE.
GO_PATTERNS = [
    r"^v\d+\.\d+$", r"(?P<name>a)", r"(?<name>a)", r"\pL+", r"\p{Greek}", r"\PN", r"[[:alpha:]]", r"\z", r"\A",
    r"\Qa.b\E", r"(?i)a", r"(?U)a*", r"(?s:.)", r"x{,3}", r"a{1000}", r"\x{10FFFF}", r"^rancher/(.*)",
    r"(?=x)", r"(?!x)", r"(?<=x)", r"(?<!x)", r"(a)\1", r"(?P=name)", r"\Z", r"a*+", r"a++", r"(?>a)", r"(?#c)",
    r"(?x)a", r"\C", r"a\Cb", r"a{1001}", r"\e", r"\cA", r"\N{DIGIT ONE}", r"[a-\d]", r"(", r"[", r"[z-a]",
    r"\p{Foo}", r"(?P<n-a>x)", r"\8", r"\Q\C\E", "x\\\\C",
]


def test_regular_expressions_are_judged_as_go_judges_them(tmp_path):
    """Each verdict is compared with what Go's regexp.Compile says on this machine."""
    go = shutil.which("go")
    if not go:
        pytest.skip("the Go toolchain is not installed: Go's own verdicts cannot be compared")
    (tmp_path / "main.go").write_text(
        'package main\n\nimport (\n\t"encoding/json"\n\t"fmt"\n\t"os"\n\t"regexp"\n)\n\n'
        "func main() {\n\tvar patterns []string\n\tjson.NewDecoder(os.Stdin).Decode(&patterns)\n"
        "\tfor _, p := range patterns {\n\t\t_, err := regexp.Compile(p)\n\t\tfmt.Println(err == nil)\n\t}\n}\n")
    env = dict(os.environ, GOFLAGS="-mod=mod", GO111MODULE="auto", GOPROXY="off")
    done = subprocess.run([go, "run", str(tmp_path / "main.go")], input=json.dumps(GO_PATTERNS), env=env, cwd=str(tmp_path),
                          capture_output=True, text=True, timeout=300, check=True)
    verdicts = [line == "true" for line in done.stdout.split()]
    assert len(verdicts) == len(GO_PATTERNS)
    ours = [regex_errors(pattern, W) == [] for pattern in GO_PATTERNS]
    assert dict(zip(GO_PATTERNS, ours)) == dict(zip(GO_PATTERNS, verdicts))
    assert 10 < sum(verdicts) < len(verdicts) - 10  # both kinds are well represented


def test_a_refused_regular_expression_says_why():
    assert one(regex_errors(r"(?=v)1", W)) == (
        "'(?=v)1' is not a Go regular expression: invalid perl operator: (?= (Go's regexp has no look-around, "
        "back-references, possessive quantifiers or \\Z; use \\z)")
    assert one(regex_errors("v(1", W)) == "'v(1' is not a Go regular expression: missing ): v(1"
    assert one(regex_errors(r"\C", W)) == "'\\\\C' is not a Go regular expression: invalid escape sequence: \\C"


def test_without_google_re2_the_message_says_what_to_install():
    """A real interpreter without site-packages, so without google-re2 (as on most targets)."""
    code = ("import json; from ansible_collections.anchorage.registry.plugins.module_utils import _checks as c; "
            "print(json.dumps([c.HAS_RE2, c.regex_errors('^a$', 'x.y')]))")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(path for path in sys.path if path.endswith("collections")))
    out = subprocess.run([sys.executable, "-S", "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == [False, ["x.y: " + RE2_MISSING]]
    assert _checks.HAS_RE2 is True  # the controller's venv has it (requirements/controller.txt)
    assert RE2_MISSING == "google-re2 is needed to check Go regular expressions (pip install google-re2)"


@pytest.fixture(scope="module")
def pki():
    """A real self-signed certificate and its key, as openssl prints them (key first)."""
    command = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=checks"
    both = subprocess.run(command.split() + ["-keyout", "/dev/stdout", "-out", "/dev/stdout"],
                          check=True, capture_output=True, text=True).stdout
    key, _sep, cert = both.partition("-----BEGIN CERTIFICATE-----")
    return {"cert": "-----BEGIN CERTIFICATE-----" + cert, "key": key}


def test_pem_certificates(pki):
    assert pem_errors(pki["cert"], W) == [] and pem_errors(pki["cert"] * 2, W) == []
    assert len(certificate_ders(pki["cert"] * 2)[0]) == 2
    assert one(pem_errors(pki["cert"] + pki["key"], W)) == "holds a PRIVATE KEY: give only the certificate, never a key"
    assert one(pem_errors("nope", W)) == "is not PEM: no -----BEGIN CERTIFICATE----- block found"
    assert one(pem_errors("", W)).startswith("is empty")
    cut = "\n".join(pki["cert"].splitlines()[:3] + pki["cert"].splitlines()[-1:]) + "\n"
    assert one(pem_errors(cut, W)) == "has a CERTIFICATE block that is not a DER certificate"


def test_a_target_without_re2_warns_about_what_it_could_not_check():
    errors = ["a.b: %s" % _checks.RE2_MISSING, "c: is required"]
    assert _checks.unchecked_regexes(errors) == (
        ["c: is required"],
        ["a.b: not checked as a Go regular expression on this host (google-re2 is not installed)"])
