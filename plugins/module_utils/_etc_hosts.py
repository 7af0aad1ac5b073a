# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""``/etc/hosts``: registry names mapped to an address (a VIP), in one managed block.

The block sits between two marker lines; every other line is someone else's and stays as it is.
With no entry left the block goes away. The resolver reads the file on every lookup: nothing
restarts.
"""

from __future__ import annotations

from ansible_collections.anchorage.registry.plugins.module_utils._config_file import ConfigFormat, Merged

BEGIN = "# BEGIN anchorage.registry node_trust"
END = "# END anchorage.registry node_trust"


def split(text):
    """``(lines before our block, our block's lines, lines after)``; ValueError for broken markers."""
    lines = (text or "").splitlines()
    if lines.count(BEGIN) != lines.count(END) or lines.count(BEGIN) > 1:
        raise ValueError("has an unmatched or repeated %r / %r marker line: fix it by hand first" % (BEGIN, END))
    if BEGIN not in lines:
        return lines, [], []
    start, end = lines.index(BEGIN), lines.index(END)
    if end < start:
        raise ValueError("has %r before %r: fix it by hand first" % (END, BEGIN))
    return lines[:start], lines[start:end + 1], lines[end + 1:]


def block(entries):
    """Our block's lines for ``entries`` = [(address, name)], in order."""
    if not entries:
        return []
    return [BEGIN] + ["%s %s" % (address, name) for address, name in entries] + [END]


class EtcHosts(ConfigFormat):
    """/etc/hosts for the node_trust module: our block among the system's and others' lines."""

    signal = None  # the resolver reads the file on every lookup

    def build(self, params, facts):
        return block([(entry["address"], entry["name"]) for entry in params["entries"]])

    def parse(self, text, path):
        try:
            return split(text)
        except ValueError as exc:
            raise ValueError("%s %s" % (path, exc))

    def merge(self, doc, wanted, owned):
        before, _ours, after = doc
        return Merged((before, wanted, after))

    def same(self, doc, new_doc):
        # Only our block counts: the rest of the file is kept byte for byte.
        return doc[1] == new_doc[1]

    def render(self, doc, path):
        lines = doc[0] + doc[1] + doc[2]
        return "\n".join(lines) + "\n" if lines else ""
