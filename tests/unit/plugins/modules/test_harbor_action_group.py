# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every harbor_* module in group/anchorage.registry.harbor, through a real ansible-playbook run."""

from __future__ import annotations

import json
import os
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
LDAP_PASSWORD = "ldap-Bind-pw-58"


def test_module_defaults_group_reaches_every_module_and_no_log_hides_the_secret(harbor, tmp_path):
    pull = [{"access": [{"resource": "repository", "action": "pull"}]}]
    tasks = [
        {"anchorage.registry.harbor_registry": {"name": "hub", "type": "docker-hub", "url": "https://hub.docker.com"}},
        {"anchorage.registry.harbor_project": {"name": "team-a"}},
        {"anchorage.registry.harbor_robot": {"name": "ci", "project": "team-a", "permissions": pull},
         "register": "ci", "no_log": True},
        {"anchorage.registry.harbor_replication": {"name": "from-hub", "direction": "pull", "registry_name": "hub"}},
        {"anchorage.registry.harbor_retention": {"project": "team-a", "schedule": "0 0 0 * * *"}},
        {"anchorage.registry.harbor_gc": {"schedule": "0 0 2 * * 6"}},
        {"anchorage.registry.harbor_system": {"settings": {"self_registration": True,
                                                           "ldap_search_password": LDAP_PASSWORD,
                                                           "ldap_url": "ldaps://ldap.example.com"}}},
        {"ansible.builtin.assert": {"that": ["ci.robot_name == 'robot$team-a+ci'", "ci.secret | length > 8"]}},
    ]
    playbook = tmp_path / "play.yml"
    playbook.write_text(json.dumps([{
        "hosts": "localhost", "gather_facts": False,
        "module_defaults": {"group/anchorage.registry.harbor": dict(harbor.args(), timeout=10)},
        "tasks": tasks,
    }]))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".build", "collections"),
               ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false")
    done = subprocess.run([os.path.join(ROOT, ".venv", "bin", "ansible-playbook"), "-vvv", "-c", "local",
                           "-e", "ansible_python_interpreter=" + sys.executable, str(playbook)],
                          cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=180, check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "changed=7" in done.stdout
    secret = harbor.double.robot_named("ci", "team-a")["secret"]
    assert secret not in output and LDAP_PASSWORD not in output and harbor.args()["api_password"] not in output
    assert harbor.double.configuration_secrets == {"ldap_search_password": LDAP_PASSWORD}
