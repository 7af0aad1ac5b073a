# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""The keys every node of one shared Harbor must hold before its first prepare.

prepare keeps ``<data_volume>/secret/keys/secretkey`` (it encrypts the passwords Harbor stores in
its database) and the token key pair ``secret/core/private_key.pem`` (core signs registry tokens
with it) and ``secret/registry/root.crt`` (the registry checks them) when they exist, and makes
new ones otherwise (make/photon/prepare/utils/cert.py, g.py). Nodes sharing one database and one
storage behind one address need the same three, or a token from one node is refused by another
(kubekey #3256) and one node cannot read what another encrypted.
"""

from __future__ import annotations

KEY_FILES = ("keys/secretkey", "core/private_key.pem", "registry/root.crt")


def keys_plan(found):
    """What to put on every node, from ``found``: ``{host: {file: content or None}}``.

    Returns ``{"keys": {file: content}, "errors": [...]}``: the keys one or more nodes already hold
    (all three), or ``{}`` when none holds any (make them once). A node holding only some of them,
    or other ones than another node, is an error naming the nodes, never the keys: overwriting
    them would lose what that node encrypted or signed.
    """
    complete = {}
    errors = []
    for host in sorted(found):
        held = dict((name, found[host].get(name)) for name in KEY_FILES)
        present = [name for name in KEY_FILES if held[name]]
        if present and len(present) < len(KEY_FILES):
            errors.append("%s holds %s but not %s under <data_volume>/secret: put back the missing ones, or remove "
                          "all three to have them copied from another node"
                          % (host, ", ".join(present), ", ".join(name for name in KEY_FILES if not held[name])))
        elif present:
            complete[host] = held
    distinct = []
    for host, held in sorted(complete.items()):
        for group in distinct:
            if group[1] == held:
                group[0].append(host)
                break
        else:
            distinct.append(([host], held))
    if len(distinct) > 1:
        groups = "; ".join(", ".join(group[0]) for group in distinct)
        errors.append("the nodes hold different Harbor keys under <data_volume>/secret (%s): one shared Harbor needs the "
                      "same secretkey and token key pair on every node" % groups)
    keys = distinct[0][1] if len(distinct) == 1 and not errors else {}
    return {"keys": keys, "errors": errors}
