# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json
import os
import stat
import subprocess

import pytest

from ansible_collections.anchorage.registry.plugins.modules import registry_htpasswd

ALICE = {"name": "alice", "password": "alice-password-1"}
BOB = {"name": "bob", "password": "bob-password-1"}


def args_for(path, users, **overrides):
    return dict({"path": str(path), "users": users, "cost": 4}, **overrides)


def assert_no_secrets(result, path=None):
    shown = json.dumps(result)
    for user in (ALICE, BOB):
        assert user["password"] not in shown
    assert "$2y$" not in shown and "$2b$" not in shown
    if path is not None and path.exists():
        for line in path.read_text().splitlines():
            assert line.split(":", 1)[-1] not in shown


def test_check_mode_writes_nothing(run_module, tmp_path):
    path = tmp_path / "htpasswd"
    result = run_module(registry_htpasswd, args_for(path, [ALICE, BOB]), check_mode=True, diff=True)
    assert result["changed"] is True and result["users_added"] == ["alice", "bob"]
    assert not path.exists()
    assert result["diff"]["after"] == "alice:******** (new hash)\nbob:******** (new hash)\n"
    assert_no_secrets(result)


def test_create_verify_and_second_run_unchanged(run_module, tmp_path, apache_verifies):
    path = tmp_path / "htpasswd"
    first = run_module(registry_htpasswd, args_for(path, [ALICE, BOB]))
    assert first["changed"] is True and first["users_added"] == ["alice", "bob"]
    assert first["restart_required"] is False
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o600
    assert apache_verifies(path, "alice", ALICE["password"]) and apache_verifies(path, "bob", BOB["password"])
    written = path.read_bytes()
    assert written.startswith(b"alice:$2y$04$")
    second = run_module(registry_htpasswd, args_for(path, [ALICE, BOB]))
    assert second["changed"] is False
    assert (second["users_added"], second["users_updated"], second["users_removed"]) == ([], [], [])
    assert path.read_bytes() == written  # no re-hash
    assert run_module(registry_htpasswd, args_for(path, [ALICE, BOB]), check_mode=True)["changed"] is False
    assert_no_secrets(first, path)
    assert_no_secrets(second, path)


def test_password_change_and_diff(run_module, tmp_path, apache_verifies):
    path = tmp_path / "htpasswd"
    run_module(registry_htpasswd, args_for(path, [ALICE, BOB]))
    bob_line = path.read_text().splitlines()[1]
    new_alice = {"name": "alice", "password": "alice-password-2"}
    result = run_module(registry_htpasswd, args_for(path, [new_alice, BOB]), diff=True)
    assert result["changed"] is True and result["users_updated"] == ["alice"]
    assert path.read_text().splitlines()[1] == bob_line
    assert apache_verifies(path, "alice", "alice-password-2") and not apache_verifies(path, "alice", ALICE["password"])
    assert result["diff"]["before"] == "alice:********\nbob:********\n"
    assert result["diff"]["after"] == "alice:******** (new hash)\nbob:********\n"
    assert "alice-password-2" not in json.dumps(result)
    assert_no_secrets(result, path)


def test_other_users_kept_unless_exclusive(run_module, tmp_path, apache_verifies):
    path = tmp_path / "htpasswd"
    subprocess.run(["htpasswd", "-cbB", "-C", "4", str(path), "zed", "zed-password"], capture_output=True,
                   timeout=30, check=True)
    zed = path.read_text()
    result = run_module(registry_htpasswd, args_for(path, [ALICE]))
    assert result["users_added"] == ["alice"] and path.read_text().startswith(zed)
    result = run_module(registry_htpasswd, args_for(path, [ALICE], exclusive=True))
    assert result["users_removed"] == ["zed"] and not apache_verifies(path, "zed", "zed-password")
    assert apache_verifies(path, "alice", ALICE["password"])
    result = run_module(registry_htpasswd, args_for(path, [{"name": "alice", "state": "absent"}]))
    assert result["users_removed"] == ["alice"] and path.read_text() == ""


def test_backup(run_module, tmp_path):
    path = tmp_path / "htpasswd"
    run_module(registry_htpasswd, args_for(path, [ALICE]))
    original = path.read_bytes()
    result = run_module(registry_htpasswd, args_for(path, [ALICE, BOB], backup=True, mode="0640"))
    assert open(result["backup_file"], "rb").read() == original
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o640


@pytest.mark.parametrize("users, named", [
    ([ALICE, {"name": "bob", "password": ""}], "users[1].password: must not be empty"),
    ([ALICE, {"name": "bob"}], "users[1].password: must not be empty"),
    ([{"name": "al:ice", "password": "x"}], "users[0].name: 'al:ice' must not contain ':'"),
    ([{"name": "al\nice", "password": "x"}], "must not contain ':' or a line break"),
])
def test_bad_input_fails_before_writing(run_module, tmp_path, users, named):
    path = tmp_path / "htpasswd"
    run_module(registry_htpasswd, args_for(path, [ALICE]))
    before = path.read_bytes()
    result = run_module(registry_htpasswd, args_for(path, users))
    assert result["failed"] is True and named in result["msg"], result["msg"]
    assert path.read_bytes() == before
    assert_no_secrets(result, path)


def test_bad_cost(run_module, tmp_path):
    path = tmp_path / "htpasswd"
    result = run_module(registry_htpasswd, args_for(path, [ALICE], cost=3))
    assert result["failed"] is True and "cost: 3 is outside bcrypt's 4 to 31" in result["msg"]
    assert not path.exists()
