# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""Registry CA certificates: PEM checks and where each runtime looks for a registry's CA.

Go's ``AppendCertsFromPEM`` (Docker, containerd, k3s) silently skips anything that is not a
``CERTIFICATE`` block, so a wrong file only shows up later as "x509: certificate signed by
unknown authority". These checks fail early instead, without third-party libraries.
"""

from __future__ import annotations

import base64
import binascii
import os
import re

from ansible_collections.anchorage.registry.plugins.module_utils._managed_dirs import (
    check_managed,
    check_tree,
    sync_dir,
    sync_tree,
)

CA_FILE = "ca.crt"
CA_MODE = "0644"

_BLOCK = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----\s*(.*?)\s*-----END \1-----", re.S)


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


def normalise_certificates(text):
    """The certificate blocks of ``text`` as canonical PEM; ValueError naming what is wrong."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("is empty: give the CA certificate in PEM form (-----BEGIN CERTIFICATE-----)")
    blocks = _BLOCK.findall(text)
    if not blocks:
        raise ValueError("is not PEM: no -----BEGIN CERTIFICATE----- block found")
    certificates = []
    for label, body in blocks:
        if "PRIVATE KEY" in label:
            raise ValueError("holds a %s: give only the CA certificate, never a key" % label)
        if label != "CERTIFICATE":
            continue
        try:
            der = base64.b64decode("".join(body.split()), validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("has a CERTIFICATE block that is not valid base64")
        if not _der_length_ok(der):
            raise ValueError("has a CERTIFICATE block that is not a DER certificate")
        encoded = base64.b64encode(der).decode("ascii")
        lines = [encoded[i:i + 64] for i in range(0, len(encoded), 64)]
        certificates.append("-----BEGIN CERTIFICATE-----\n%s\n-----END CERTIFICATE-----\n" % "\n".join(lines))
    if not certificates:
        raise ValueError("has no CERTIFICATE block (found: %s)" % ", ".join(sorted({b[0] for b in blocks})))
    return "".join(certificates)


def certs_d_path(root, host):
    """Docker's (and containerd's fallback) layout: ``<root>/<host[:port]>/ca.crt``."""
    return os.path.join(root, host, CA_FILE)


def flat_name(host):
    """A file name for ``host`` in a flat directory such as /usr/local/share/ca-certificates.

    update-ca-certificates links every ``*.crt`` by its base name, so each host needs its own.
    """
    return re.sub(r"[^A-Za-z0-9.-]", "_", host) + ".crt"


def install(module, destinations, pems):
    """Put ``pems`` ({host: PEM}) in every destination ({path, layout, state}).

    ``state: absent`` takes out the certificates this collection put there. Every directory is
    checked before the first write. Returns {changed, diff, written, removed, left, paths:
    {destination: {host: file}}, changed_destinations: [destination paths]}.
    """
    for destination in destinations:
        hosts = list(pems) if destination["state"] == "present" else []
        if destination["layout"] == "flat":
            check_managed(destination["path"])
        else:
            check_tree(destination["path"], hosts)
    total = {"changed": False, "diff": [], "written": [], "removed": [], "left": [], "paths": {},
             "changed_destinations": []}
    for destination in destinations:
        root = destination["path"]
        wanted = pems if destination["state"] == "present" else {}
        if destination["layout"] == "flat":
            result = sync_dir(module, root, dict((flat_name(host), (pem, CA_MODE)) for host, pem in wanted.items()))
            total["paths"][root] = dict((host, os.path.join(root, flat_name(host))) for host in wanted)
        else:
            result = sync_tree(module, root, dict((host, {CA_FILE: (pem, CA_MODE)}) for host, pem in wanted.items()))
            total["paths"][root] = dict((host, certs_d_path(root, host)) for host in wanted)
        if result["changed"]:
            total["changed"] = True
            total["changed_destinations"].append(root)
        for key in ("diff", "written", "removed", "left"):
            total[key].extend(result[key])
    return total
