# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""Entries we own inside a file that others write too (daemon.json, registries.yaml).

A small JSON state file next to the config records which list items and map keys we
added. The next run can then take out the ones no longer wanted and leave every other
writer's entries alone. An entry that was already there before we wanted it stays
someone else's: we never remove it.
"""

from __future__ import annotations

import json
import os

from ansible_collections.anchorage.registry.plugins.module_utils._files import apply_text, read_text, remove_file
from ansible_collections.anchorage.registry.plugins.module_utils._managed_dirs import mode_args


def state_path(path):
    """``/etc/docker/daemon.json`` -> ``/etc/docker/.daemon.json.anchorage-owned.json``."""
    directory, name = os.path.split(path)
    return os.path.join(directory, ".%s.anchorage-owned.json" % name)


def read_state(path):
    """The state recorded for the config at ``path``: {section: [owned entries]}."""
    where = state_path(path)
    text = read_text(where)
    if text is None:
        return {}
    try:
        state = json.loads(text)
    except ValueError:
        state = None
    if not isinstance(state, dict) or not all(isinstance(v, list) for v in state.values()):
        raise ValueError("%s is damaged; delete it (the next run then treats every entry as someone else's)"
                         % where)
    return state


def state_text(state):
    """Canonical JSON for the state; None when nothing is owned (the state file goes away)."""
    kept = dict((key, value) for key, value in sorted(state.items()) if value)
    return json.dumps(kept, indent=2, sort_keys=True) + "\n" if kept else None


def save(module, path, before, after, state, backup=False, file_args=None):
    """Write the merged config and the state next to it; the config's apply_text result.

    ``after`` is the text to write, or None when the data did not change: the file is then not
    rewritten (its formatting stays), though ``file_args`` still apply. ``changed`` also covers
    the state file.
    """
    if after is not None:
        result = apply_text(module, path, after, backup=backup, file_args=file_args)
    elif before is not None:
        result = apply_text(module, path, before, file_args=file_args)
    else:
        result = {"changed": False, "content_changed": False}
    where = state_path(path)
    text = state_text(state)
    if text is None:
        state_changed = remove_file(module, where)["changed"]
    else:
        state_changed = apply_text(module, where, text, file_args=mode_args(module, where, "0600"))["changed"]
    result["changed"] = result["changed"] or state_changed
    return result


def merge_list(current, wanted, owned):
    """(new list, entries now owned): others' entries first, then the wanted ones in order."""
    wanted = list(dict.fromkeys(wanted))
    others = [item for item in current if item not in owned and item not in wanted]
    new_owned = [item for item in wanted if item in owned or item not in current]
    return others + wanted, new_owned


def merge_map(current, wanted, owned):
    """(new map, keys now owned, keys taken over from another writer)."""
    result = dict((key, value) for key, value in current.items() if key not in owned or key in wanted)
    new_owned = []
    taken = []
    for key, value in wanted.items():
        if key in result and key not in owned:
            if result[key] == value:
                continue
            taken.append(key)
        result[key] = value
        new_owned.append(key)
    return result, new_owned, taken
