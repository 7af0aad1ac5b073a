# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""htpasswd files with bcrypt entries, as CNCF Distribution's htpasswd auth reads them.

Distribution accepts bcrypt only; Apache writes it with the ``$2y$`` prefix, which is the same
algorithm as ``$2b$``. Entries whose hash still verifies the wanted password are kept byte for
byte, and lines of users the caller does not manage are left where they are.
"""

from __future__ import annotations

import traceback

try:
    import bcrypt
    HAS_BCRYPT = True
    BCRYPT_IMPORT_ERROR = None
except ImportError:
    HAS_BCRYPT = False
    BCRYPT_IMPORT_ERROR = traceback.format_exc()

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.anchorage.registry.plugins.module_utils._distribution import MASK
from ansible_collections.anchorage.registry.plugins.module_utils._files import apply_text, read_text, secret_file_args, text_diff

BCRYPT_PREFIXES = ("$2y$", "$2b$", "$2a$")


def user_errors(users):
    """Problems with the wanted users, each naming the user (or its index when it has no name)."""
    errors = []
    seen = set()
    for index, user in enumerate(users):
        name = user.get("name") or ""
        label = "users[%d]" % index if not name else "user %r" % name
        if not name:
            errors.append("%s: name must not be empty" % label)
        elif ":" in name or "\n" in name or "\r" in name:
            errors.append("%s: a name must not contain ':' or a line break" % label)
        elif name != name.strip() or name.startswith("#"):
            errors.append("%s: a name must not start with '#' or start or end with blanks" % label)
        elif name in seen:
            errors.append("%s: listed twice" % label)
        seen.add(name)
        if user.get("state", "present") == "present":
            password = user.get("password") or ""
            if not password:
                errors.append("%s: password must not be empty" % label)
            elif len(password.encode("utf-8")) > 72:
                errors.append("%s: password is longer than the 72 bytes bcrypt uses" % label)
    return errors


def hash_password(password, cost):
    """A bcrypt hash with Apache's ``$2y$`` prefix (what ``htpasswd -B`` writes)."""
    hashed = bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds=cost)).decode("ascii")
    return "$2y$" + hashed[4:]


def verify_password(password, hashed):
    """True when ``hashed`` is a bcrypt hash of ``password``; False for any other format."""
    if not hashed.startswith(BCRYPT_PREFIXES):
        return False
    try:
        return bcrypt.checkpw(password.encode("utf-8"), hashed.encode("ascii"))
    except ValueError:
        return False


def entry_name(line):
    """The user a line belongs to, or None for blank lines, comments and lines without ':'."""
    stripped = line.strip()
    if not stripped or stripped.startswith("#") or ":" not in stripped:
        return None
    return stripped.split(":", 1)[0]


def entry_hash(line):
    return line.strip().split(":", 1)[1]


def update_entries(text, users, exclusive, hasher):
    """Apply ``users`` to the htpasswd ``text``.

    Returns ``(new_text, added, updated, removed)``; the lists hold names, and ``new_text`` is
    ``text`` itself when nothing changes. ``hasher(password)`` makes a new hash (check mode may
    pass a stand-in: the text is then only compared, never written). A managed user's first line
    is kept or updated in place; later lines of the same user are dropped (the user counts as
    updated, since Distribution would have used the last one).
    """
    wanted = dict((user["name"], user) for user in users)
    added, updated, removed = [], [], []
    out = []
    seen = set()
    for line in (text or "").splitlines(True):
        name = entry_name(line)
        user = wanted.get(name)
        if name is None or (user is None and not exclusive):
            out.append(line)
        elif user is None or user.get("state", "present") == "absent":
            if name not in removed:
                removed.append(name)
        elif name in seen:
            if name not in updated:
                updated.append(name)
        else:
            seen.add(name)
            if verify_password(user["password"], entry_hash(line)):
                out.append(line)
            else:
                updated.append(name)
                out.append("%s:%s\n" % (name, hasher(user["password"])))
    for user in users:
        if user.get("state", "present") == "present" and user["name"] not in seen:
            added.append(user["name"])
            out.append("%s:%s\n" % (user["name"], hasher(user["password"])))
    if not (added or updated or removed):
        return text, added, updated, removed
    return "".join(line if line.endswith("\n") else line + "\n" for line in out), added, updated, removed


def masked_lines(text, changed=()):
    """The file with every hash masked (for --diff); users in ``changed`` are marked."""
    out = []
    for line in (text or "").splitlines():
        name = entry_name(line)
        if name is None:
            out.append(line)
        else:
            out.append("%s:%s%s" % (name, MASK, " (new hash)" if name in changed else ""))
    return "".join(item + "\n" for item in out)


def manage_htpasswd(module):
    """The registry_htpasswd module's work: check, update, write (or not), return the result."""
    if not HAS_BCRYPT:
        module.fail_json(msg=missing_required_lib("bcrypt"), exception=BCRYPT_IMPORT_ERROR)
    params = module.params
    users = params["users"]
    module.no_log_values.update(user["password"] for user in users if user.get("password"))
    errors = user_errors(users)
    if not 4 <= params["cost"] <= 31:
        errors.append("cost: %d is outside bcrypt's 4 to 31" % params["cost"])
    if errors:
        module.fail_json(msg="Invalid htpasswd users: %s" % "; ".join(errors), errors=errors)
    path = params["path"]
    before = read_text(path)
    if module.check_mode:
        # Nothing is written in check mode: a stand-in hash is enough to tell what would change.
        def hasher(password):
            return "$2y$(check mode)"
    else:
        def hasher(password):
            return hash_password(password, params["cost"])
    text, added, updated, removed = update_entries(before, users, params["exclusive"], hasher)
    if text is None:
        text = ""
    result = apply_text(module, path, text, backup=params["backup"], file_args=secret_file_args(module, path))
    result.pop("content_changed")
    result.update(
        users_added=added,
        users_updated=updated,
        users_removed=removed,
        # Distribution (2.8 and 3.x) re-reads the file when its modification time changes.
        restart_required=False,
    )
    if "diff" in result:
        result["diff"] = text_diff(path, None if before is None else masked_lines(before),
                                   masked_lines(text, added + updated))
    return result
