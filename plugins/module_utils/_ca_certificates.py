# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""Registry CA certificates and client certificates: PEM checks and where each runtime looks for them.

The PEM check itself is ``_checks.pem_errors``: Go's ``AppendCertsFromPEM`` (Docker,
containerd, k3s) silently skips anything that is not a ``CERTIFICATE`` block, so it fails early
instead. Here the certificates are written out in one canonical form.
"""

from __future__ import annotations

import base64
import glob
import os
import re

from ansible_collections.anchorage.registry.plugins.module_utils._checks import (
    certificate_ders,
    host_errors,
    pem_errors,
    unique_errors,
)
from ansible_collections.anchorage.registry.plugins.module_utils._config_file import Invalid, TreeFormat
from ansible_collections.anchorage.registry.plugins.module_utils._files import read_text

CA_FILE = "ca.crt"
CA_MODE = "0644"
# Docker reads a client certificate from certs.d/<host>/*.cert with the *.key of the same name.
CLIENT_CERT_FILE = "client.cert"
CLIENT_KEY_FILE = "client.key"
KEY_MODE = "0600"
_KEY_BLOCK = re.compile(r"-----BEGIN ((?:RSA |EC )?PRIVATE KEY)-----\s*([A-Za-z0-9+/=\s]+?)-----END \1-----")


def normalise_certificates(text):
    """The certificate blocks of ``text`` as canonical PEM; ValueError naming what is wrong."""
    ders, problem = certificate_ders(text)
    if problem:
        raise ValueError(problem)
    certificates = []
    for der in ders:
        encoded = base64.b64encode(der).decode("ascii")
        lines = [encoded[i:i + 64] for i in range(0, len(encoded), 64)]
        certificates.append("-----BEGIN CERTIFICATE-----\n%s\n-----END CERTIFICATE-----\n" % "\n".join(lines))
    return "".join(certificates)


def certs_d_path(root, host, name=CA_FILE):
    """Docker's (and containerd's fallback) layout: ``<root>/<host[:port]>/ca.crt`` (or ``name``)."""
    return os.path.join(root, host, name)


def private_key_errors(value, where):
    """One PEM private key (PKCS#8, RSA or EC), and nothing else."""
    if not isinstance(value, str) or not value.strip():
        return ["%s: is empty: give the private key in PEM form (-----BEGIN PRIVATE KEY-----)" % where]
    blocks = _KEY_BLOCK.findall(value)
    if len(blocks) != 1 or "-----BEGIN" in _KEY_BLOCK.sub("", value):
        return ["%s: is not one PEM private key (-----BEGIN PRIVATE KEY-----, RSA or EC)" % where]
    try:
        base64.b64decode("".join(blocks[0][1].split()), validate=True)
    except (ValueError, TypeError):
        return ["%s: its PRIVATE KEY block is not valid base64" % where]
    return []


def normalise_key(text):
    return text.strip() + "\n"


def flat_name(host):
    """A file name for ``host`` in a flat directory such as /usr/local/share/ca-certificates.

    update-ca-certificates links every ``*.crt`` by its base name, so each host needs its own.
    """
    return re.sub(r"[^A-Za-z0-9.-]", "_", host) + ".crt"


def subject_alt_names(openssl_text):
    """``(ips, dns names)`` from ``openssl x509 -noout -ext subjectAltName`` output."""
    lines = (openssl_text or "").splitlines()[1:]  # the first line is the extension's header
    names = [name.strip() for name in ",".join(lines).split(",") if name.strip()]
    ips = [name[len("IP Address:"):] for name in names if name.startswith("IP Address:")]
    dns = [name[len("DNS:"):] for name in names if name.startswith("DNS:")]
    return ips, dns


def verify_host(openssl_text, answering_ips, host_names):
    """The name to reach a registry at that its certificate holds, or "" when there is none.

    An IPv4 address the registry answers on here comes first (it needs no name resolution),
    then the first of ``host_names`` (inventory name, FQDN, short name) the certificate names.
    """
    ips, dns = subject_alt_names(openssl_text)
    found = [ip for ip in answering_ips if ip in ips] + [name for name in host_names if name and name in dns]
    return found[0] if found else ""


def certificate_errors(certificates):
    """Errors in a list of {host, pem, client_cert, client_key}, each naming its place."""
    errors = unique_errors(certificates, "certificates", "host")
    for index, item in enumerate(certificates):
        where = "certificates[%d]" % index
        errors.extend(host_errors(item["host"], where + ".host"))
        if item.get("pem") is not None:
            errors.extend(pem_errors(item["pem"], where + ".pem"))
        if bool(item.get("client_cert")) != bool(item.get("client_key")):
            errors.append("%s: client_cert and client_key go together" % where)
        elif item.get("client_cert"):
            errors.extend(pem_errors(item["client_cert"], where + ".client_cert"))
            errors.extend(private_key_errors(item["client_key"], where + ".client_key"))
        elif item.get("pem") is None:
            errors.append("%s: give pem (the CA), or client_cert and client_key, or both" % where)
    return errors


def _host_files(item):
    """The certs.d files of one host: ``{name: (text, mode)}``."""
    files = {}
    if item.get("pem") is not None:
        files[CA_FILE] = (normalise_certificates(item["pem"]), CA_MODE)
    if item.get("client_cert"):
        files[CLIENT_CERT_FILE] = (normalise_certificates(item["client_cert"]), CA_MODE)
        files[CLIENT_KEY_FILE] = (normalise_key(item["client_key"]), KEY_MODE)
    return files


class CACertificates(TreeFormat):
    """CA certificates for the registry_ca module, in certs.d trees or flat trust-store directories."""

    signal = None  # Docker, containerd and k3s read a registry's CA when they connect
    tree_option = "destinations"

    def secrets(self, params):
        return [item["client_key"] for item in params["certificates"] if item.get("client_key")]

    def file_secrets(self, doc):
        # Client keys already there (an old key being replaced) would otherwise show in the diff.
        return [read_text(path) for root, layout, files in doc
                for path in glob.glob(os.path.join(root, "*", CLIENT_KEY_FILE))]

    def build(self, params, facts):
        certificates = params["certificates"]
        errors = certificate_errors(certificates)
        errors.extend(unique_errors(params["destinations"], "destinations", "path"))
        if errors:
            raise Invalid(errors)
        host_files = dict((item["host"], _host_files(item)) for item in certificates)
        destinations, where = [], {}
        for destination in params["destinations"]:
            root = destination["path"]
            wanted = host_files if destination["state"] == "present" else {}
            if destination["layout"] == "flat":
                # A trust store takes CAs only.
                files = dict((flat_name(host), names[CA_FILE]) for host, names in wanted.items() if CA_FILE in names)
                where[root] = dict((host, os.path.join(root, flat_name(host))) for host in wanted if CA_FILE in wanted[host])
            else:
                files = dict(wanted)
                where[root] = dict((host, certs_d_path(root, host)) for host in wanted if CA_FILE in wanted[host])
            destinations.append((root, destination["layout"], files))
        return {"destinations": destinations, "paths": where}

    def report(self, wanted, outcome):
        return {"paths": wanted["paths"], "changed_destinations": outcome["changed_roots"]}
