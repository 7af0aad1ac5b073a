# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json

from ansible_collections.anchorage.registry.plugins.modules import docker_daemon_config

THEIRS = '{\n    "log-driver": "journald",\n    "insecure-registries": ["theirs.example:5000"]\n}\n'


def args_for(path, **overrides):
    args = {"path": str(path), "insecure_registries": ["10.0.0.5:5000"], "registry_mirrors": ["http://10.0.0.5:5000"]}
    args.update(overrides)
    return args


def test_check_mode_writes_nothing(run_module, tmp_path):
    path = tmp_path / "docker" / "daemon.json"
    result = run_module(docker_daemon_config, args_for(path), check_mode=True, diff=True)
    assert result["changed"] is True and result["reload_required"] is True and result["restart_required"] is False
    assert not (tmp_path / "docker").exists()
    assert json.loads(result["diff"]["after"]) == {"insecure-registries": ["10.0.0.5:5000"],
                                                   "registry-mirrors": ["http://10.0.0.5:5000"]}


def test_merge_keeps_others_and_second_run_is_a_no_op(run_module, tmp_path):
    path = tmp_path / "daemon.json"
    path.write_text(THEIRS)
    first = run_module(docker_daemon_config, args_for(path))
    assert first["changed"] is True and first["reload_required"] is True
    assert json.loads(path.read_text()) == {"log-driver": "journald",
                                            "insecure-registries": ["theirs.example:5000", "10.0.0.5:5000"],
                                            "registry-mirrors": ["http://10.0.0.5:5000"]}
    assert first["insecure_registries"] == ["theirs.example:5000", "10.0.0.5:5000"]
    assert first["config_test"] == "skipped"  # Debian 12's dockerd 20.10 has no --validate
    written = path.read_bytes()
    second = run_module(docker_daemon_config, args_for(path))
    assert second["changed"] is False and second["reload_required"] is False
    assert path.read_bytes() == written


def test_removal_takes_out_ours_and_keeps_theirs(run_module, tmp_path):
    path = tmp_path / "daemon.json"
    path.write_text(THEIRS)
    run_module(docker_daemon_config, args_for(path))
    result = run_module(docker_daemon_config, args_for(path, insecure_registries=[], registry_mirrors=[]))
    assert result["changed"] is True and result["reload_required"] is True
    assert json.loads(path.read_text()) == {"log-driver": "journald", "insecure-registries": ["theirs.example:5000"],
                                            "registry-mirrors": []}
    assert not (tmp_path / ".daemon.json.anchorage-owned.json").exists()


def test_an_entry_that_was_already_there_is_never_removed(run_module, tmp_path):
    path = tmp_path / "daemon.json"
    path.write_text(THEIRS)
    run_module(docker_daemon_config, args_for(path, insecure_registries=["theirs.example:5000"], registry_mirrors=[]))
    run_module(docker_daemon_config, args_for(path, insecure_registries=[], registry_mirrors=[]))
    assert json.loads(path.read_text())["insecure-registries"] == ["theirs.example:5000"]


def test_a_file_that_is_not_json_fails_untouched(run_module, tmp_path):
    path = tmp_path / "daemon.json"
    path.write_text("{\"log-driver\": \"journald\",\n")
    result = run_module(docker_daemon_config, args_for(path))
    assert result["failed"] is True and result["msg"].startswith("path: %s is not valid JSON" % path)
    assert path.read_text() == "{\"log-driver\": \"journald\",\n"
    assert not (tmp_path / ".daemon.json.anchorage-owned.json").exists()


def test_bad_entries_fail_naming_the_option(run_module, tmp_path):
    path = tmp_path / "daemon.json"
    result = run_module(docker_daemon_config, args_for(path, insecure_registries=["http://10.0.0.5:5000"],
                                                       registry_mirrors=["https://reg/v2/hub"]))
    assert result["failed"] is True
    assert "insecure_registries[0]: 'http://10.0.0.5:5000' is a URL" in result["msg"]
    assert "registry_mirrors[0]:" in result["msg"]
    assert not path.exists()


def test_mode_is_applied_to_an_existing_file(run_module, tmp_path):
    path = tmp_path / "daemon.json"
    run_module(docker_daemon_config, args_for(path))
    result = run_module(docker_daemon_config, args_for(path, mode="0640"))
    assert result["changed"] is True and result["reload_required"] is False
    assert oct(path.stat().st_mode & 0o777) == "0o640"
