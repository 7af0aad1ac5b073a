# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import base64
import os
import subprocess
import urllib.error
import urllib.request

import pytest

from ansible_collections.anchorage.registry.plugins.module_utils._htpasswd import (
    entry_name,
    hash_password,
    masked_lines,
    update_entries,
    user_errors,
    verify_password,
)

COST = 4  # bcrypt's minimum: these tests check formats and behaviour, not hashing strength


def hasher(password):
    return hash_password(password, COST)


def test_hash_format_is_apache_bcrypt():
    hashed = hash_password("s3cret", COST)
    assert hashed.startswith("$2y$04$") and len(hashed) == 60
    assert verify_password("s3cret", hashed)
    assert not verify_password("s3cret!", hashed)


def test_apache_htpasswd_verifies_our_hashes(tmp_path, apache_verifies):
    users = [{"name": "alice", "password": "correct horse"}, {"name": "bob", "password": "p@ss:word with colon"}]
    text, added, _updated, _removed = update_entries(None, users, False, lambda pw: hash_password(pw, 10))
    assert added == ["alice", "bob"]
    path = tmp_path / "htpasswd"
    path.write_text(text)
    assert apache_verifies(path, "alice", "correct horse")
    assert apache_verifies(path, "bob", "p@ss:word with colon")
    assert not apache_verifies(path, "alice", "wrong")


def test_we_verify_apache_hashes():
    done = subprocess.run(["htpasswd", "-nbB", "-C", "5", "carol", "from apache"], capture_output=True,
                          text=True, timeout=30, check=True)
    line = done.stdout.strip()
    assert line.startswith("carol:$2y$05$")
    _text, added, updated, removed = update_entries(line + "\n", [{"name": "carol", "password": "from apache"}],
                                                    False, hasher)
    assert (added, updated, removed) == ([], [], [])


@pytest.mark.parametrize("prefix", ["$2a$", "$2b$", "$2y$"])
def test_every_bcrypt_prefix_verifies(prefix):
    hashed = prefix + hash_password("pw", COST)[4:]
    assert verify_password("pw", hashed)


@pytest.mark.parametrize("hashed", ["$apr1$abc$def", "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=", "plain", "$2y$04$short"])
def test_other_formats_never_verify(hashed):
    assert not verify_password("password", hashed)


def test_unchanged_password_keeps_the_line_byte_for_byte():
    text, _a, _u, _r = update_entries(None, [{"name": "alice", "password": "pw"}], False, hasher)
    again, added, updated, removed = update_entries(text, [{"name": "alice", "password": "pw"}], False, hasher)
    assert again is text and (added, updated, removed) == ([], [], [])


def test_changed_password_rehashes_only_that_user():
    text, _a, _u, _r = update_entries(None, [{"name": "alice", "password": "a1"}, {"name": "bob", "password": "b1"}],
                                      False, hasher)
    new, added, updated, removed = update_entries(text, [{"name": "alice", "password": "a2"},
                                                         {"name": "bob", "password": "b1"}], False, hasher)
    assert (added, updated, removed) == ([], ["alice"], [])
    old_lines, new_lines = text.splitlines(), new.splitlines()
    assert new_lines[1] == old_lines[1]  # bob untouched
    assert new_lines[0] != old_lines[0] and verify_password("a2", new_lines[0].split(":", 1)[1])


def test_lines_not_owned_stay_in_place():
    other = hash_password("theirs", COST)
    text = "# registry users\n\nzed:%s\nmallformed line\n" % other
    new, added, _u, _r = update_entries(text, [{"name": "alice", "password": "pw"}], False, hasher)
    assert added == ["alice"]
    assert new.startswith(text)
    assert new[len(text):].startswith("alice:$2y$04$")


def test_missing_final_newline_is_fixed_when_a_line_is_added():
    other = "zed:" + hash_password("theirs", COST)
    new, _a, _u, _r = update_entries(other, [{"name": "alice", "password": "pw"}], False, hasher)
    assert new.splitlines()[0] == other and new.endswith("\n") and len(new.splitlines()) == 2


def test_absent_and_exclusive():
    users = [{"name": n, "password": n + "-pw"} for n in ("alice", "bob", "carol")]
    text, _a, _u, _r = update_entries(None, users, False, hasher)
    new, added, updated, removed = update_entries(text, [{"name": "bob", "state": "absent"}], False, hasher)
    assert (added, updated, removed) == ([], [], ["bob"])
    assert [entry_name(line) for line in new.splitlines()] == ["alice", "carol"]
    new, added, updated, removed = update_entries(text, [{"name": "carol", "password": "carol-pw"}], True, hasher)
    assert (added, updated, removed) == ([], [], ["alice", "bob"])
    assert new == text.splitlines(True)[2]
    gone, _a, _u, removed = update_entries(text, [], True, hasher)
    assert gone == "" and removed == ["alice", "bob", "carol"]


def test_absent_user_not_in_file_changes_nothing():
    text = "alice:" + hash_password("pw", COST) + "\n"
    assert update_entries(text, [{"name": "bob", "state": "absent"}], False, hasher) == (text, [], [], [])


def test_duplicate_lines_of_a_managed_user_are_collapsed():
    first, second = hash_password("pw", COST), hash_password("old", COST)
    text = "alice:%s\nbob:%s\nalice:%s\n" % (first, second, second)
    new, added, updated, removed = update_entries(text, [{"name": "alice", "password": "pw"}], False, hasher)
    assert (added, updated, removed) == ([], ["alice"], [])
    assert new == "alice:%s\nbob:%s\n" % (first, second)


@pytest.mark.parametrize("users, message", [
    ([{"name": "alice", "password": ""}], "users[0].password: must not be empty (user 'alice')"),
    ([{"name": "alice", "password": None}], "users[0].password: must not be empty (user 'alice')"),
    ([{"name": "a:b", "password": "x"}], "users[0].name: 'a:b' must not contain ':' or a line break"),
    ([{"name": "a\nb", "password": "x"}], "users[0].name: 'a\\nb' must not contain ':' or a line break"),
    ([{"name": "", "password": "x"}], "users[0].name: must not be empty"),
    ([{"name": "#admin", "password": "x"}], "users[0].name: '#admin' must not start with '#' or start or end with blanks"),
    ([{"name": " admin", "password": "x"}], "users[0].name: ' admin' must not start with '#' or start or end with blanks"),
    ([{"name": "admin", "password": "\u00e9" * 37}], "users[0].password: is longer than the 72 bytes bcrypt uses (user 'admin')"),
    ([{"name": "a", "password": "x"}, {"name": "a", "password": "y"}], "users[1].name: 'a' is listed twice (first at users[0].name)"),
])
def test_bad_users(users, message):
    assert user_errors(users) == [message]


def test_absent_user_needs_no_password():
    assert user_errors([{"name": "alice", "state": "absent"}]) == []


def test_masked_lines_hide_every_hash():
    text = "# c\nalice:%s\nbob:%s\n" % (hash_password("a", COST), hash_password("b", COST))
    shown = masked_lines(text, ["bob"])
    assert shown == "# c\nalice:********\nbob:******** (new hash)\n"


def test_distribution_sees_a_new_user_without_restart(distribution, tmp_path):
    """Backs restart_required=false: Distribution re-reads the file when its mtime changes."""
    path = tmp_path / "htpasswd"
    text, _a, _u, _r = update_entries(None, [{"name": "alice", "password": "alice-pw"}], False, hasher)
    path.write_text(text)
    registry = distribution(auth={"htpasswd": {"realm": "test", "path": str(path)}})

    def status(user, password):
        token = base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
        request = urllib.request.Request(registry.url + "/v2/", headers={"Authorization": "Basic " + token})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    assert status("alice", "alice-pw") == 200
    assert status("bob", "bob-pw") == 401
    text, added, _u, _r = update_entries(path.read_text(), [{"name": "bob", "password": "bob-pw"}], False, hasher)
    assert added == ["bob"]
    replacement = tmp_path / "htpasswd.new"
    replacement.write_text(text)
    os.replace(str(replacement), str(path))  # the same atomic rename the module does
    assert status("bob", "bob-pw") == 200
    assert status("alice", "wrong") == 401
