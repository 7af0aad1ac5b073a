# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""Registry CA certificates: PEM checks and where each runtime looks for a registry's CA.

The PEM check itself is ``_checks.pem_errors``: Go's ``AppendCertsFromPEM`` (Docker,
containerd, k3s) silently skips anything that is not a ``CERTIFICATE`` block, so it fails early
instead. Here the certificates are written out in one canonical form.
"""

from __future__ import annotations

import base64
import os
import re

from ansible_collections.anchorage.registry.plugins.module_utils._checks import (
    certificate_ders,
    host_errors,
    pem_errors,
    unique_errors,
)
from ansible_collections.anchorage.registry.plugins.module_utils._config_file import Invalid, TreeFormat

CA_FILE = "ca.crt"
CA_MODE = "0644"


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


def certs_d_path(root, host):
    """Docker's (and containerd's fallback) layout: ``<root>/<host[:port]>/ca.crt``."""
    return os.path.join(root, host, CA_FILE)


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
    """Errors in a list of {host, pem}, each naming its place."""
    errors = unique_errors(certificates, "certificates", "host")
    for index, item in enumerate(certificates):
        errors.extend(host_errors(item["host"], "certificates[%d].host" % index))
        errors.extend(pem_errors(item["pem"], "certificates[%d].pem" % index))
    return errors


class CACertificates(TreeFormat):
    """CA certificates for the registry_ca module, in certs.d trees or flat trust-store directories."""

    signal = None  # Docker, containerd and k3s read a registry's CA when they connect
    tree_option = "destinations"

    def build(self, params, facts):
        certificates = params["certificates"]
        errors = certificate_errors(certificates)
        errors.extend(unique_errors(params["destinations"], "destinations", "path"))
        if errors:
            raise Invalid(errors)
        pems = dict((item["host"], normalise_certificates(item["pem"])) for item in certificates)
        destinations, where = [], {}
        for destination in params["destinations"]:
            root = destination["path"]
            wanted = pems if destination["state"] == "present" else {}
            if destination["layout"] == "flat":
                files = dict((flat_name(host), (pem, CA_MODE)) for host, pem in wanted.items())
                where[root] = dict((host, os.path.join(root, flat_name(host))) for host in wanted)
            else:
                files = dict((host, {CA_FILE: (pem, CA_MODE)}) for host, pem in wanted.items())
                where[root] = dict((host, certs_d_path(root, host)) for host in wanted)
            destinations.append((root, destination["layout"], files))
        return {"destinations": destinations, "paths": where}

    def report(self, wanted, outcome):
        return {"paths": wanted["paths"], "changed_destinations": outcome["changed_roots"]}
