# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""Directories we create, marked so we can remove them later and never touch anyone else's.

A managed directory holds a marker file listing the files we wrote there. When a registry
leaves the list, its directory loses exactly those files (and the marker); the directory is
removed only when nothing else is left in it. A directory without the marker was made by
someone else: it is refused, never written into or removed.
"""

from __future__ import annotations

import json
import os

from ansible_collections.anchorage.registry.plugins.module_utils._files import apply_text, read_text, remove_file

MARKER = ".anchorage-managed"


class NotManaged(ValueError):
    """The directory exists and has no marker: someone else made it."""


def marker_text(names):
    return json.dumps({"managed_by": "anchorage.registry", "files": sorted(names)}, indent=2) + "\n"


def read_marker(directory):
    """The file names recorded in ``directory``'s marker; None when there is no marker."""
    text = read_text(os.path.join(directory, MARKER))
    if text is None:
        return None
    try:
        files = json.loads(text)["files"]
    except (ValueError, KeyError, TypeError):
        raise ValueError("%s is not a marker this collection wrote; remove it by hand"
                         % os.path.join(directory, MARKER))
    if not isinstance(files, list) or not all(isinstance(n, str) and "/" not in n for n in files):
        raise ValueError("%s lists unexpected entries; remove it by hand" % os.path.join(directory, MARKER))
    return files


def check_managed(directory):
    """Raise NotManaged when ``directory`` exists but was not created by us; return the owned files."""
    owned = read_marker(directory)
    if owned is None and os.path.lexists(directory):
        raise NotManaged("%s exists and was not created by anchorage.registry (it has no %s marker); "
                         "remove it, or take it out of the list" % (directory, MARKER))
    return owned or []


def managed_subdirs(root):
    """Names of the sub-directories of ``root`` that carry our marker."""
    if not os.path.isdir(root):
        return []
    return sorted(name for name in os.listdir(root)
                  if os.path.isfile(os.path.join(root, name, MARKER)))


def mode_args(module, path, mode):
    """File attributes for ``apply_text``: only the mode is ours to set."""
    return module.load_file_common_arguments({"mode": mode}, path=path)


def _merge(total, result):
    total["changed"] = total["changed"] or result["changed"]
    if "diff" in result:
        total["diff"].append(result["diff"])


def sync_dir(module, directory, files):
    """Make ``directory`` hold ``files`` ({name: (text, mode)}) and drop what we wrote before.

    With ``files`` empty the directory is taken apart: our files and the marker go, and the
    directory too when that leaves it empty. Call ``check_managed`` on every directory first,
    so a refusal happens before anything is written.
    """
    owned = check_managed(directory)
    total = {"changed": False, "diff": [], "written": [], "removed": [], "left": []}
    stale = [name for name in owned if name not in files]
    marker = os.path.join(directory, MARKER)
    marker_args = mode_args(module, marker, "0644")
    if files:
        # Record everything we may leave behind before writing, so an interrupted run can clean up.
        pending = set(owned) | set(files)
        if set(owned) != pending:
            total["changed"] = apply_text(module, marker, marker_text(pending), file_args=marker_args)["changed"]
        for name in sorted(files):
            text, mode = files[name]
            path = os.path.join(directory, name)
            result = apply_text(module, path, text, file_args=mode_args(module, path, mode))
            _merge(total, result)
            total["written"].append(path)
    for name in stale:
        path = os.path.join(directory, name)
        _merge(total, remove_file(module, path))
        total["removed"].append(path)
    if files:
        if apply_text(module, marker, marker_text(files), file_args=marker_args)["changed"]:
            total["changed"] = True
    elif owned or os.path.isfile(marker):
        total["changed"] = remove_file(module, marker)["changed"] or total["changed"]
        if not module.check_mode:
            left = sorted(os.listdir(directory))
            if left:
                total["left"] = [os.path.join(directory, name) for name in left]
            else:
                os.rmdir(directory)
                total["removed"].append(directory)
    return total


def check_tree(root, names):
    """Check every directory ``sync_tree(root, …)`` would touch; return the stale ones' names."""
    for name in names:
        check_managed(os.path.join(root, name))
    stale = [name for name in managed_subdirs(root) if name not in names]
    for name in stale:
        check_managed(os.path.join(root, name))
    return stale


def sync_tree(module, root, wanted):
    """Make ``root/<name>`` hold ``wanted[name]`` files; take apart our directories not in ``wanted``.

    Every directory is checked before the first write, so a refusal leaves everything untouched.
    Returns {changed, diff, written, removed, left} over all directories.
    """
    stale = check_tree(root, list(wanted))
    total = {"changed": False, "diff": [], "written": [], "removed": [], "left": []}
    for name in list(wanted) + stale:
        result = sync_dir(module, os.path.join(root, name), wanted.get(name, {}))
        total["changed"] = total["changed"] or result["changed"]
        for key in ("diff", "written", "removed", "left"):
            total[key].extend(result[key])
    return total
