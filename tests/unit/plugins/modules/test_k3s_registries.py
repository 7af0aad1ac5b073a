# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json
import os
import stat

import pytest
import yaml

from ansible_collections.anchorage.registry.plugins.module_utils import _checks, _config_file
from ansible_collections.anchorage.registry.plugins.modules import k3s_registries

PASSWORD = "do-not-show-this-registry-password"
THEIRS = "# written by hand\nmirrors:\n  quay.io:\n    endpoint:\n      - https://quay-mirror.example\n"


def args_for(path, **overrides):
    args = {
        "path": str(path),
        "mode": "0600",
        "mirrors": {"docker.io": {"endpoint": ["https://reg.example:5443"]},
                    "10.0.0.5:5000": {"endpoint": ["http://10.0.0.5:5000"]}},
        "configs": {"reg.example:5443": {"auth": {"username": "robot", "password": PASSWORD},
                                         "tls": {"ca_file": "/etc/anchorage/registry-ca/reg.example:5443/ca.crt"}}},
    }
    args.update(overrides)
    return args


def test_check_mode_on_a_fresh_node_writes_nothing(run_module, tmp_path):
    path = tmp_path / "k3s" / "registries.yaml"
    result = run_module(k3s_registries, args_for(path), check_mode=True, diff=True)
    assert result["changed"] is True and result["restart_required"] is True
    assert not (tmp_path / "k3s").exists()
    assert "docker.io" in result["diff"]["after"]


def test_write_merge_with_others_then_no_op(run_module, tmp_path):
    path = tmp_path / "registries.yaml"
    path.write_text(THEIRS)
    first = run_module(k3s_registries, args_for(path))
    assert first["changed"] is True and first["restart_required"] is True
    data = yaml.safe_load(path.read_text())
    assert data["mirrors"]["quay.io"] == {"endpoint": ["https://quay-mirror.example"]}
    assert data["configs"]["reg.example:5443"]["auth"]["password"] == PASSWORD
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o600
    state = json.loads((tmp_path / ".registries.yaml.anchorage-owned.json").read_text())
    assert state == {"configs": ["reg.example:5443"], "mirrors": ["docker.io", "10.0.0.5:5000"], "sections": ["configs"]}
    written = path.read_bytes()
    second = run_module(k3s_registries, args_for(path))
    assert second["changed"] is False and second["restart_required"] is False
    assert path.read_bytes() == written


def test_a_new_file_without_mode_is_private(run_module, tmp_path):
    path = tmp_path / "registries.yaml"
    run_module(k3s_registries, args_for(path, mode=None))
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o600


def test_removing_a_registry_removes_only_our_entries(run_module, tmp_path):
    path = tmp_path / "registries.yaml"
    path.write_text(THEIRS)
    run_module(k3s_registries, args_for(path))
    result = run_module(k3s_registries, args_for(path, mirrors={}, configs={}))
    assert result["changed"] is True and result["restart_required"] is True
    # configs, which the module added, goes with its last entry; the file's own mirrors stays.
    assert yaml.safe_load(path.read_text()) == {"mirrors": {"quay.io": {"endpoint": ["https://quay-mirror.example"]}}}
    assert not (tmp_path / ".registries.yaml.anchorage-owned.json").exists()


def test_same_data_written_otherwise_is_left_alone(run_module, tmp_path):
    path = tmp_path / "registries.yaml"
    run_module(k3s_registries, args_for(path))
    data = yaml.safe_load(path.read_text())
    path.write_text(json.dumps(data))  # JSON is YAML: same data, other text
    result = run_module(k3s_registries, args_for(path))
    assert result["changed"] is False and path.read_text() == json.dumps(data)


def test_passwords_are_masked_in_output_and_diff(run_module, tmp_path):
    path = tmp_path / "registries.yaml"
    result = run_module(k3s_registries, args_for(path), diff=True)
    assert PASSWORD not in json.dumps(result)
    assert PASSWORD in path.read_text()


def test_credentials_already_in_the_file_are_masked_too(run_module, tmp_path):
    path = tmp_path / "registries.yaml"
    path.write_text("configs:\n  other.example:\n    auth:\n      username: u\n      password: theirs-Secret1\n")
    run_module(k3s_registries, args_for(path, configs={"reg.example:5443": {"auth": {"username": "robot", "password": "old-Secret2"}}}))
    result = run_module(k3s_registries, args_for(path), diff=True)  # our password rotated
    assert result["changed"] is True
    text = json.dumps(result)
    assert "theirs-Secret1" not in text and "old-Secret2" not in text and PASSWORD not in text
    assert "theirs-Secret1" in path.read_text() and PASSWORD in path.read_text()


@pytest.mark.parametrize("configs, expected", [
    # (every value of configs is a no_log value: a one-letter one would be masked inside the key names)
    ({"reg.example:5443": {"tls": "/etc/ca.crt"}}, "configs.reg.example:5443.tls"),
    ({"reg.example:5443": {"auth": ["robot"]}}, "configs.reg.example:5443.auth"),
    ({"reg.example:5443": "robot"}, "configs.reg.example:5443"),
])
def test_malformed_configs_fail_naming_the_key(run_module, tmp_path, configs, expected):
    result = run_module(k3s_registries, args_for(tmp_path / "registries.yaml", configs=configs))
    assert result["failed"] is True and expected in result["msg"] and "Traceback" not in result["msg"]


def test_a_file_that_is_not_yaml_fails_without_quoting_it(run_module, tmp_path):
    path = tmp_path / "registries.yaml"
    path.write_text("configs:\n  reg:\n    auth:\n      password: s3cr:et: x\n")
    result = run_module(k3s_registries, args_for(path))
    assert result["failed"] is True and "is not valid YAML at line 4" in result["msg"]
    assert "s3cr" not in result["msg"]


def test_auth_token_fails_before_writing(run_module, tmp_path):
    path = tmp_path / "registries.yaml"
    path.write_text(THEIRS)
    result = run_module(k3s_registries, args_for(path, configs={"reg.example:5443": {"auth": {"token": "abc"}}}))
    assert result["failed"] is True
    assert "configs.reg.example:5443.auth.token: unknown key" in result["msg"]
    assert "identity_token" in result["msg"]
    assert path.read_text() == THEIRS and not (tmp_path / ".registries.yaml.anchorage-owned.json").exists()


def test_a_file_that_is_not_a_mapping_fails_untouched(run_module, tmp_path):
    path = tmp_path / "registries.yaml"
    path.write_text("- docker.io\n- quay.io\n")
    result = run_module(k3s_registries, args_for(path))
    assert result["failed"] is True
    assert result["msg"] == ("path: %s must be a YAML mapping (mirrors:, configs:), not a list; fix or remove it first"
                             % path)
    assert path.read_text() == "- docker.io\n- quay.io\n"


def test_a_key_another_writer_set_differently_is_taken_over(run_module, tmp_path):
    path = tmp_path / "registries.yaml"
    path.write_text("mirrors:\n  docker.io:\n    endpoint: [https://theirs]\nconfigs:\n  x:\n    auth:\n      token: t\n")
    result = run_module(k3s_registries, args_for(path))
    assert result["taken_over"] == ["mirrors.docker.io"]
    assert result["owned"]["mirrors"] == ["docker.io", "10.0.0.5:5000"]
    data = yaml.safe_load(path.read_text())
    assert data["mirrors"]["docker.io"] == {"endpoint": ["https://reg.example:5443"]}
    assert data["configs"]["x"] == {"auth": {"token": "t"}}  # someone else's entry: warned about, kept


def test_a_node_without_re2_warns_about_rewrites_it_cannot_check(run_module, tmp_path, monkeypatch):
    # google-re2 has no Debian package: nodes often lack it, the controller (planner) has it.
    monkeypatch.setattr(_checks, "HAS_RE2", False)
    warned = []
    monkeypatch.setattr(_config_file.SecretMaskingModule, "warn", lambda self, text, **kwargs: warned.append(text))
    path = tmp_path / "registries.yaml"
    mirrors = {"docker.io": {"endpoint": ["https://reg.example:5443"], "rewrite": {"^(.*)$": "hub/$1"}}}
    result = run_module(k3s_registries, {"path": str(path), "mirrors": mirrors})
    assert result["changed"] and yaml.safe_load(path.read_text())["mirrors"] == mirrors
    assert warned == ['mirrors.docker.io.rewrite.^(.*)$: not checked as a Go regular expression on this host '
                      '(google-re2 is not installed)']
