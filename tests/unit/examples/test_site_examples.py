# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The site examples (seeds' registry and node parts, the lab): the site playbook parses with each
inventory, and their settings pass the roles' own checks on the controller."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.realpath(__file__))
EXAMPLES = os.path.normpath(os.path.join(HERE, "..", "..", "..", "examples"))
PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
CHECK = os.path.join(HERE, "site_check.yml")
# The hosts are not reached: every task runs on the controller, with this Python.
LOCAL = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}
# What the examples take from Ansible Vault or from the lab; the archive: any file on the controller.
EXTRA = {
    "seed-002-node-trust": {},
    "seed-003-registry": {},
    "seed-004-registry-ha": {"vault_registry_admin_password": "example-admin-1"},
    "lab": {"lab_admin_password": "lab-admin-1", "registry_image_archive": CHECK},
}


def run(example, *args, extra=None):
    return subprocess.run([PLAYBOOK, "-i", os.path.join(EXAMPLES, example, "inventory.yml"), *args,
                           "-e", json.dumps(dict(LOCAL, **(extra or {})))],
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.parametrize("example", sorted(EXTRA))
def test_site_parses_with_the_inventory(example):
    done = run(example, "--syntax-check", "anchorage.registry.site")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("example", sorted(EXTRA))
def test_the_settings_pass_the_roles_checks(example):
    done = run(example, CHECK, extra=EXTRA[example])
    assert done.returncode == 0, done.stdout + done.stderr
    assert "failed=" in done.stdout and "failed=1" not in done.stdout


def test_a_bad_setting_fails_the_check_naming_it():
    done = run("seed-003-registry", CHECK, extra={"registry_port": 70000})
    assert done.returncode != 0
    assert "registry_port: 70000" in done.stdout
    bad_node = run("seed-002-node-trust", CHECK, extra={"seed_zot": "http://192.0.2.21:31150"})
    assert bad_node.returncode != 0 and "node_trust_registries[0].host" in bad_node.stdout
