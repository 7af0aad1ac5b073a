# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""The generic input checks every format, planner and role shares.

One contract: ``xxx_errors(value, where, ...)`` returns a list of messages, each starting with
``where`` (the option's full path, e.g. ``registries[0].hosts[1].url``) and ": "; an empty list
means the value is fine. ``_schema``'s ``check`` hooks follow the same contract, so these
functions plug straight into a schema.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re

try:
    import re2
    HAS_RE2 = True
except ImportError:  # a target without google-re2: regex_errors says so instead of guessing
    HAS_RE2 = False

RE2_MISSING = "google-re2 is needed to check Go regular expressions (pip install google-re2)"

# A DNS name or IPv4 address, or a bracketed IPv6 address, then an optional port.
_HOST = re.compile(
    r"^(?P<name>[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
    r"|\[(?P<ipv6>[^\]]*)\])(?::(?P<port>[0-9]{1,5}))?$"
)
_URL = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<host>[^/?#]*)(?P<path>[^?#]*)(?P<rest>[?#].*)?$", re.S)
_DURATION_UNITS = {
    "ns": 1e-9,
    "us": 1e-6,
    "\u00b5s": 1e-6,
    "\u03bcs": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "m": 60.0,
    "h": 3600.0,
}
_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)")
# An escape outside \Q...\E (inside it everything is literal).
_ESCAPE = re.compile(r"\\Q.*?(?:\\E|$)|\\.", re.S)
# RE2 errors that mean "Perl/Python syntax Go does not have".
_NOT_IN_GO = ("invalid perl operator", "invalid escape sequence", "bad repetition operator")
_PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----\s*(.*?)\s*-----END \1-----", re.S)


def _at(where, message):
    return ["%s: %s" % (where, message)]


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


# --- hosts, addresses, URLs ---------------------------------------------------------------------

def host_errors(value, where, also=()):
    """A registry host: ``name[:port]``, ``ipv4[:port]`` or ``[ipv6][:port]``; ``also``: other accepted words."""
    if value in also:
        return []
    if not isinstance(value, str) or not value:
        return _at(where, "must be a host name or IP address, with an optional port (e.g. registry.example:5000)")
    if "://" in value:
        return _at(where, "%r is a URL: give only the host and port (e.g. %s)"
                   % (value, value.split("://", 1)[1].split("/", 1)[0]))
    if "/" in value:
        return _at(where, "%r has a path: give only the host and port (%s)" % (value, value.split("/", 1)[0]))
    match = _HOST.match(value)
    if not match and value.count(":") > 1:
        return _at(where, "%r: write an IPv6 address in brackets, e.g. [fd00::1]:5000" % value)
    if not match:
        return _at(where, "%r is not a host name or IP address with an optional port (e.g. registry.example:5000)" % value)
    if match.group("ipv6") is not None:
        try:
            ipaddress.IPv6Address(match.group("ipv6"))
        except ValueError:
            return _at(where, "%r: %r is not an IPv6 address" % (value, match.group("ipv6")))
    port = match.group("port")
    if port is not None and not 0 < int(port) < 65536:
        return _at(where, "%r has port %s, outside 1-65535" % (value, port))
    return []


def port_errors(value, where, low=1):
    """A TCP port, as a number or a string of digits (zot reads ports as strings)."""
    text = str(value)
    if isinstance(value, bool) or not text.isdigit() or not low <= int(text) <= 65535:
        return _at(where, "%r is not a port number (%d-65535)" % (value, low))
    return []


def listen_errors(value, where):
    """``HOST:PORT`` as Go's net package reads it: the host may be empty (every address) or ``[ipv6]``."""
    host, sep, port = value.rpartition(":")
    if not sep:
        return _at(where, "%r must be HOST:PORT (e.g. :5000 or 127.0.0.1:5000)" % value)
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        return _at(where, "port %r must be a number from 1 to 65535" % port)
    if host.startswith("[") and host.endswith("]"):
        return host_errors(host, where)
    if ":" in host or "[" in host:
        return _at(where, "%r: write an IPv6 host in brackets, e.g. [::1]:5000" % value)
    return []


def url_errors(value, where, schemes=("http", "https"), path=True, query=False, bare=False):
    """An absolute URL ``scheme://host[:port]`` with a checked host.

    ``path``: a path may follow (else only ``/``); ``query``: a query or fragment may follow;
    ``bare``: ``host[:port][/path]`` without a scheme is fine too (k3s then uses HTTPS).
    """
    words = " or ".join("%s://" % scheme for scheme in schemes)
    if bare and isinstance(value, str) and "://" not in value:
        return host_errors(value.split("/", 1)[0], where)
    match = _URL.match(value) if isinstance(value, str) else None
    if not match:
        rest = str(value).rsplit("://", 1)[-1].lstrip("/")
        ordered = sorted(schemes, key=lambda scheme: scheme != "https")
        return _at(where, "%r is not a URL with a scheme: write it as %s"
                   % (value, " or ".join("%s://%s" % (scheme, rest) for scheme in ordered)))
    if match.group("scheme").lower() not in schemes:
        return _at(where, "%r: the scheme must be %s" % (value, words))
    if "@" in match.group("host"):
        return _at(where, "%r carries credentials: give them in the credential options, never in a URL" % value)
    if match.group("path") not in ("", "/") and not path:
        return _at(where, "%r must be %s plus a host[:port], with no path" % (value, words))
    if match.group("rest") and not query:
        return _at(where, "%r must not have a query or fragment (?, #)" % value)
    return host_errors(match.group("host"), where)


# --- numbers and durations ----------------------------------------------------------------------

def number_errors(value, where, low, high, unit="", whole=True):
    """A number from ``low`` to ``high``, a whole one unless ``whole`` is false (``unit`` follows the range)."""
    if not (_is_int(value) or (not whole and isinstance(value, float))):
        return _at(where, "%r is not a %snumber" % (value, "whole " if whole else ""))
    if not low <= value <= high:
        return _at(where, "%r is outside %s-%s%s" % (value, low, high, " " + unit if unit else ""))
    return []


def parse_duration(text):
    """Seconds in a Go duration such as ``1h30m``, ``500ms`` or ``0``; ValueError otherwise."""
    if not isinstance(text, str) or not text:
        raise ValueError("a duration must be a non-empty string such as 30s, 5m or 1h")
    body = text
    sign = 1.0
    if body[0] in "+-":
        sign = -1.0 if body[0] == "-" else 1.0
        body = body[1:]
    if body == "0":
        return 0.0
    total = 0.0
    pos = 0
    while pos < len(body):
        match = _DURATION_PART.match(body, pos)
        if not match:
            raise ValueError("%r is not a duration: use numbers with units ns, us, ms, s, m, h (e.g. 90s, 1h30m)" % text)
        total += float(match.group(1)) * _DURATION_UNITS[match.group(2)]
        pos = match.end()
    if pos == 0:
        raise ValueError("%r is not a duration" % text)
    return sign * total


def duration_errors(value, where, non_negative=False, positive=False):
    """A Go duration (time.ParseDuration), optionally 0 or more, or above 0."""
    try:
        seconds = parse_duration(value)
    except ValueError as exc:
        return _at(where, str(exc))
    if positive and seconds <= 0:
        return _at(where, "%r must be above 0" % value)
    if non_negative and seconds < 0:
        return _at(where, "%r must not be negative" % value)
    return []


# --- lists --------------------------------------------------------------------------------------

def unique_errors(items, where, key, fold=False):
    """``items[*][key]`` (mappings in the list ``where``) given once each; ``fold``: ignoring case."""
    errors = []
    first = {}
    for index, item in enumerate(items or []):
        value = item.get(key) if isinstance(item, dict) else None
        if not isinstance(value, (str, int)) or value == "":
            continue  # a missing or mistyped value is the schema's or the caller's error
        same = value.lower() if fold and isinstance(value, str) else value
        here = "%s[%d].%s" % (where, index, key)
        if same in first:
            errors.extend(_at(here, "%r is listed twice (first at %s)" % (value, first[same])))
        else:
            first[same] = here
    return errors


# --- Go regular expressions ---------------------------------------------------------------------

def regex_errors(value, where):
    """A regular expression Go's regexp package (RE2 syntax) compiles, checked with RE2 itself."""
    if not HAS_RE2:
        return _at(where, RE2_MISSING)
    options = re2.Options()
    options.log_errors = False  # RE2 would print every refused pattern on stderr
    try:
        re2.compile(value, options)
    except re2.error as exc:
        reason = exc.args[0].decode("utf-8", "replace") if isinstance(exc.args[0], bytes) else str(exc.args[0])
        hint = ""
        if reason.startswith(_NOT_IN_GO):
            hint = " (Go's regexp has no look-around, back-references, possessive quantifiers or \\Z; use \\z)"
        return _at(where, "%r is not a Go regular expression: %s%s" % (value, reason, hint))
    # The one escape C++ RE2 has and Go's regexp refuses: \C (any byte).
    if any(escape.group(0) == "\\C" for escape in _ESCAPE.finditer(value)):
        return _at(where, "%r is not a Go regular expression: invalid escape sequence: \\C" % value)
    return []


def unchecked_regexes(errors):
    """``(errors, warnings)``: a module on a target without google-re2 warns instead of failing.

    The controller checks every Go regular expression before a role reaches the target (the
    planner and the role's check-mode runs); a module on a node without RE2 says what it could
    not check again rather than refusing input the controller already accepted.
    """
    missing = [error for error in errors if error.endswith(RE2_MISSING)]
    warnings = ["%s: not checked as a Go regular expression on this host (google-re2 is not installed)"
                % error[:-len(RE2_MISSING) - 2] for error in missing]
    return [error for error in errors if error not in missing], warnings


# --- PEM ----------------------------------------------------------------------------------------

def _der_length_ok(der):
    """True when ``der`` is one DER SEQUENCE whose encoded length matches its size."""
    if len(der) < 2 or der[0] != 0x30:
        return False
    first = der[1]
    if first < 0x80:
        return 2 + first == len(der)
    count = first & 0x7F
    if count == 0 or count > 4 or len(der) < 2 + count:
        return False
    length = int.from_bytes(der[2:2 + count], "big")
    return 2 + count + length == len(der)


def certificate_ders(text):
    """``(DER bytes of every CERTIFICATE block, None)`` or ``([], what is wrong)``.

    Go's ``AppendCertsFromPEM`` (Docker, containerd, k3s) silently skips anything that is not a
    ``CERTIFICATE`` block, so a wrong file only shows up later as "x509: certificate signed by
    unknown authority". This check fails early instead, without third-party libraries.
    """
    if not isinstance(text, str) or not text.strip():
        return [], "is empty: give the certificate in PEM form (-----BEGIN CERTIFICATE-----)"
    blocks = _PEM_BLOCK.findall(text)
    if not blocks:
        return [], "is not PEM: no -----BEGIN CERTIFICATE----- block found"
    ders = []
    for label, body in blocks:
        if "PRIVATE KEY" in label:
            return [], "holds a %s: give only the certificate, never a key" % label
        if label != "CERTIFICATE":
            continue
        try:
            der = base64.b64decode("".join(body.split()), validate=True)
        except (binascii.Error, ValueError):
            return [], "has a CERTIFICATE block that is not valid base64"
        if not _der_length_ok(der):
            return [], "has a CERTIFICATE block that is not a DER certificate"
        ders.append(der)
    if not ders:
        return [], "has no CERTIFICATE block (found: %s)" % ", ".join(sorted({b[0] for b in blocks}))
    return ders, None


def pem_errors(value, where):
    """One or more PEM ``CERTIFICATE`` blocks, and no private key."""
    problem = certificate_ders(value)[1]
    return _at(where, problem) if problem else []
