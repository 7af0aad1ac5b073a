# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""Writing managed files: read, compare, back up, write atomically, report a diff.

Every config-writing module goes through ``apply_text`` so that check mode, --diff,
backups, modes and atomic replacement behave the same way everywhere.
"""

from __future__ import annotations

import os
import re
import tempfile


def read_text(path):
    """Return the file's text, or None when it does not exist."""
    try:
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8")
    except FileNotFoundError:
        return None


def text_diff(path, before, after):
    """A diff dict in the shape Ansible's callback prints for --diff."""
    return {
        "before": before if before is not None else "",
        "after": after if after is not None else "",
        "before_header": path if before is not None else "%s (absent)" % path,
        "after_header": path if after is not None else "%s (absent)" % path,
    }


def _is_private(mode):
    """True for an octal mode that gives group and others nothing (0600, "0640" is not)."""
    if isinstance(mode, int):
        return not mode & 0o077
    return isinstance(mode, str) and bool(re.match(r"^0?[0-7]{3,4}$", mode)) and not int(mode, 8) & 0o077


def _write_atomic(module, path, text, private=False):
    """Write text next to path, then rename it over path (never a half-written file).

    ``private``: a new file must never be readable by others, not even between the rename
    (which gives a new file the umask's mode) and the caller setting its final mode."""
    directory = os.path.dirname(path) or "."
    fd, tmp_path = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), dir=directory)
    module.add_cleanup_file(tmp_path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        if os.path.exists(path):
            # Keep the live file's mode and ownership unless the caller sets them after.
            stat = os.stat(path)
            os.chmod(tmp_path, stat.st_mode & 0o7777)
            try:
                os.chown(tmp_path, stat.st_uid, stat.st_gid)
            except PermissionError:
                pass
        umask = os.umask(0o077) if private and not os.path.exists(path) else None
        try:
            module.atomic_move(tmp_path, path)
        finally:
            if umask is not None:
                os.umask(umask)
    except Exception:
        if os.path.exists(tmp_path):
            os.unlink(tmp_path)
        raise


def ensure_directory(module, path, mode=0o755):
    """Create a directory (and parents) unless check mode; return True when it was missing."""
    if os.path.isdir(path):
        return False
    if not module.check_mode:
        os.makedirs(path, mode)
    return True


def secret_file_args(module, path):
    """File attributes for a file holding secrets: a new file gets mode 0600 unless ``mode`` is set."""
    file_args = module.load_file_common_arguments(module.params, path=path)
    if file_args.get("mode") is None and not os.path.exists(path):
        file_args["mode"] = "0600"
    return file_args


def apply_text(module, path, text, backup=False, file_args=None):
    """Make ``path`` hold ``text``; honour check mode, diff and file attributes.

    ``file_args`` is the dict from ``module.load_file_common_arguments`` (mode, owner, group…)
    or None to keep what the file has. Returns a dict for ``exit_json``: ``changed``,
    ``content_changed``, ``backup_file`` when one was made, and ``diff`` in diff mode.
    """
    before = read_text(path)
    content_changed = before != text
    result = {"changed": content_changed, "content_changed": content_changed}
    if module._diff:
        result["diff"] = text_diff(path, before, text)
    if content_changed and not module.check_mode:
        ensure_directory(module, os.path.dirname(path) or ".")
        if backup and before is not None:
            result["backup_file"] = module.backup_local(path)
        _write_atomic(module, path, text, private=_is_private((file_args or {}).get("mode")))
    if file_args:
        file_args = dict(file_args, path=path)
        if module.check_mode and not os.path.exists(path):
            # A file that check mode did not create has no attributes to compare.
            pass
        else:
            result["changed"] = module.set_fs_attributes_if_different(file_args, result["changed"])
    return result


def remove_file(module, path, backup=False):
    """Remove ``path`` when present; honour check mode and diff."""
    before = read_text(path) if os.path.isfile(path) else None
    exists = os.path.lexists(path)
    result = {"changed": exists, "content_changed": exists}
    if module._diff:
        result["diff"] = text_diff(path, before, None)
    if exists and not module.check_mode:
        if backup and before is not None:
            result["backup_file"] = module.backup_local(path)
        os.unlink(path)
    return result
