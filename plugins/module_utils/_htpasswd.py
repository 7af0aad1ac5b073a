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

import base64
import hashlib
import traceback

try:
    import bcrypt
    HAS_BCRYPT = True
    BCRYPT_IMPORT_ERROR = None
except ImportError:
    HAS_BCRYPT = False
    BCRYPT_IMPORT_ERROR = traceback.format_exc()

from ansible_collections.anchorage.registry.plugins.module_utils._checks import unique_errors
from ansible_collections.anchorage.registry.plugins.module_utils._config_file import ConfigFormat, Invalid, Merged
from ansible_collections.anchorage.registry.plugins.module_utils._distribution import MASK
from ansible_collections.anchorage.registry.plugins.module_utils._files import text_diff

BCRYPT_PREFIXES = ("$2y$", "$2b$", "$2a$")
# bcrypt's salt is base64 in its own alphabet: a derived salt is translated into it.
_BCRYPT_ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def user_errors(users, where="users"):
    """Problems with the wanted users (the list option ``where``), each naming its place."""
    errors = []
    for index, user in enumerate(users or []):
        here = "%s[%d]" % (where, index)
        user = user if isinstance(user, dict) else {}
        name = user.get("name") or ""
        if not name:
            errors.append("%s.name: must not be empty" % here)
        elif ":" in name or "\n" in name or "\r" in name:
            errors.append("%s.name: %r must not contain ':' or a line break" % (here, name))
        elif name != name.strip() or name.startswith("#"):
            errors.append("%s.name: %r must not start with '#' or start or end with blanks" % (here, name))
        if user.get("state", "present") == "present":
            password = user.get("password") or ""
            whose = " (user %r)" % name if name else ""
            if not password:
                errors.append("%s.password: must not be empty%s" % (here, whose))
            elif len(password.encode("utf-8")) > 72:
                errors.append("%s.password: is longer than the 72 bytes bcrypt uses%s" % (here, whose))
    return errors + unique_errors(users, where, "name")


def hash_password(password, cost, salt_seed=None):
    """A bcrypt hash with Apache's ``$2y$`` prefix (what ``htpasswd -B`` writes).

    The salt is random, or derived from ``salt_seed`` (public data, unique per user and site) so
    that a file rendered anew on every run (zot's Secret) stays the same until a password changes.
    """
    if salt_seed is None:
        salt = bcrypt.gensalt(rounds=cost)
    else:
        raw = base64.b64encode(hashlib.sha256(salt_seed.encode("utf-8")).digest()[:16]).decode("ascii")[:22]
        table = dict(zip(_B64_ALPHABET, _BCRYPT_ALPHABET))
        salt = ("$2b$%02d$" % cost + "".join(table[char] for char in raw)).encode("ascii")
    hashed = bcrypt.hashpw(password.encode("utf-8"), salt).decode("ascii")
    return "$2y$" + hashed[4:]


def entry_line(name, hashed):
    """One htpasswd line, with its newline."""
    return "%s:%s\n" % (name, hashed)


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
                out.append(entry_line(name, hasher(user["password"])))
    for user in users:
        if user.get("state", "present") == "present" and user["name"] not in seen:
            added.append(user["name"])
            out.append(entry_line(user["name"], hasher(user["password"])))
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


def _check_mode_hash(password):
    # Nothing is written in check mode: a stand-in hash is enough to tell what would change.
    return "$2y$(check mode)"


class HtpasswdFile(ConfigFormat):
    """An htpasswd file for the registry_htpasswd module: users managed line by line."""

    # Distribution (2.8 and 3.x) re-reads the file when its modification time changes.
    signal = None
    private = True
    libraries = (("bcrypt", HAS_BCRYPT, BCRYPT_IMPORT_ERROR),)
    summary = "Invalid htpasswd users"

    def secrets(self, params):
        return [user.get("password") for user in params["users"]]

    def probe(self, module):
        return {"check_mode": module.check_mode}

    def build(self, params, facts):
        errors = user_errors(params["users"])
        if not 4 <= params["cost"] <= 31:
            errors.append("cost: %d is outside bcrypt's 4 to 31" % params["cost"])
        if errors:
            raise Invalid(errors, self.summary)
        cost = params["cost"]
        return {
            "users": params["users"],
            "exclusive": params["exclusive"],
            "hasher": _check_mode_hash if facts["check_mode"] else lambda password: hash_password(password, cost),
        }

    def merge(self, doc, wanted, owned):
        text, added, updated, removed = update_entries(doc, wanted["users"], wanted["exclusive"], wanted["hasher"])
        report = {"users_added": added, "users_updated": updated, "users_removed": removed}
        return Merged(text or "", report=report)

    def diff(self, path, before, after, merged):
        changed = merged.report["users_added"] + merged.report["users_updated"]
        return text_diff(path, None if before is None else masked_lines(before), masked_lines(after, changed))

    def report(self, wanted, outcome):
        return outcome.report
