# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""The subjectAltNames of a server certificate the certificates role issues.

Names and addresses come from several places: what the user gave (checked, each error naming its
option) and the host's own facts (kept when they are usable, dropped silently otherwise: a
container's random short name is no reason to fail). The result is what
``community.crypto.openssl_csr`` takes: ``DNS:name`` and ``IP:address``, each once, in order.
"""

from __future__ import annotations

import ipaddress
import re

# A DNS name; the leftmost label may be a wildcard (*.registry.example).
_NAME = re.compile(r"^(\*\.)?[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")


def san(value):
    """``DNS:name`` or ``IP:address`` for one value, or None when it is neither."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return "IP:%s" % ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        pass
    # A last label of digits only is a mistyped address (10.0.0.300), never a name.
    if len(text) <= 253 and _NAME.match(text) and not text.rsplit(".", 1)[-1].isdigit():
        return "DNS:%s" % text.lower()
    return None


def certificate_sans(sources):
    """``sources``: ``[{option, values, strict}]`` -> ``{sans, errors}``.

    ``option`` names where the values come from; with ``strict`` (the user's own options) a value
    that is neither a DNS name nor an IP address is an error naming ``option`` (``option[i]`` for
    a list), else it is left out. Empty values are skipped.
    """
    sans, errors = [], []
    for source in sources:
        values = source["values"]
        listed = isinstance(values, list)
        for index, value in enumerate(values if listed else [values]):
            if value in (None, ""):
                continue
            entry = san(value)
            if entry is None:
                if source.get("strict"):
                    where = "%s[%d]" % (source["option"], index) if listed else source["option"]
                    errors.append("%s: %r is neither a DNS name nor an IP address" % (where, value))
                continue
            if entry not in sans:
                sans.append(entry)
    return {"sans": sans, "errors": errors}
