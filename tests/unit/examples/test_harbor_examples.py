# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Harbor examples: their playbooks parse, and their settings pass the role's own checks."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.realpath(__file__))
EXAMPLES = os.path.normpath(os.path.join(HERE, "..", "..", "..", "examples"))
PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
CHECK = os.path.join(HERE, "harbor_check.yml")
# What the examples take from Ansible Vault.
VAULT = {"vault_harbor_admin_password": "Example-Admin-1", "vault_harbor_db_password": "example-db-2"}
NAMES = ["seed-003-harbor-single", "seed-004-harbor-ha"]


def run(example, *args):
    where = os.path.join(EXAMPLES, example)
    return subprocess.run([PLAYBOOK, "-i", os.path.join(where, "inventory.yml"), *args], cwd=where,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("example", NAMES)
def test_the_playbook_parses(example):
    done = run(example, "--syntax-check", "site.yml")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("example", NAMES)
def test_the_settings_pass_the_roles_checks(example):
    # The offline archive is not part of the example: any file on the controller stands for it.
    extra = dict(VAULT, harbor_installer_archive=CHECK) if example == "seed-004-harbor-ha" else VAULT
    done = run(example, CHECK, "-e", json.dumps(extra))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "failed=0" in done.stdout


def test_a_weak_admin_password_fails_the_check_naming_it():
    done = run("seed-003-harbor-single", CHECK, "-e", json.dumps(dict(VAULT, vault_harbor_admin_password="weak-one")))
    assert done.returncode != 0
    assert "harbor_config.harbor_admin_password: must be 8-128 characters" in done.stdout


@pytest.mark.parametrize("timeout", [0, 3601])
def test_a_compose_timeout_out_of_range_fails_the_check_naming_it(timeout):
    done = run("seed-003-harbor-single", CHECK, "-e", json.dumps(dict(VAULT, harbor_compose_http_timeout=timeout)))
    assert done.returncode != 0
    assert "harbor_compose_http_timeout: %d is outside 1-3600 seconds" % timeout in done.stdout
