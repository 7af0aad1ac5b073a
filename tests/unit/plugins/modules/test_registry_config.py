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
import yaml

from ansible_collections.anchorage.registry.plugins.modules import registry_config

SECRET = "do-not-show-this-http-secret"
HUB_PASSWORD = "do-not-show-this-hub-password"


def args_for(path, **overrides):
    args = {
        "path": str(path),
        "storage": {"filesystem": {"rootdirectory": "/var/lib/registry"}, "delete": {"enabled": True}},
        "http": {"addr": ":5000", "secret": SECRET, "headers": {"X-Content-Type-Options": ["nosniff"]}},
        "auth": {"htpasswd": {"realm": "anchorage", "path": "/etc/docker/registry/htpasswd"}},
        "health": {"storagedriver": {"enabled": True, "interval": "10s", "threshold": 3}},
    }
    args.update(overrides)
    return args


def mode_of(path):
    return stat.S_IMODE(os.stat(str(path)).st_mode)


def test_check_mode_writes_nothing_and_predicts_the_change(run_module, tmp_path):
    path = tmp_path / "config.yml"
    result = run_module(registry_config, args_for(path), check_mode=True, diff=True)
    assert result["changed"] is True and result["restart_required"] is True
    assert not path.exists()
    assert result["diff"]["before_header"].endswith("(absent)")
    assert "rootdirectory: /var/lib/registry" in result["diff"]["after"]


def test_write_then_second_run_is_a_no_op(run_module, tmp_path):
    path = tmp_path / "config.yml"
    first = run_module(registry_config, args_for(path))
    assert first["changed"] is True and first["restart_required"] is True
    written = path.read_bytes()
    data = yaml.safe_load(written)
    assert data["version"] == 0.1 and data["http"]["secret"] == SECRET
    assert mode_of(path) == 0o600  # a new file holding a secret
    second = run_module(registry_config, args_for(path))
    assert second["changed"] is False and second["restart_required"] is False
    assert path.read_bytes() == written
    check = run_module(registry_config, args_for(path), check_mode=True)
    assert check["changed"] is False


def test_same_data_formatted_otherwise_is_not_rewritten(run_module, tmp_path):
    path = tmp_path / "config.yml"
    run_module(registry_config, args_for(path))
    data = yaml.safe_load(path.read_text())
    data["version"] = "0.1"
    path.write_text(json.dumps(data, indent=4))  # JSON is YAML: same data, other text
    before = path.read_bytes()
    result = run_module(registry_config, args_for(path))
    assert result["changed"] is False and result["restart_required"] is False
    assert path.read_bytes() == before


def test_returned_config_and_diff_mask_secrets(run_module, tmp_path, capsys):
    path = tmp_path / "config.yml"
    args = args_for(path, proxy={"remoteurl": "https://registry-1.docker.io", "username": "hub", "password": HUB_PASSWORD},
                    storage={"s3": {"region": "us-east-1", "bucket": "b", "accesskey": "AKIA",
                                    "secretkey": "do-not-show-this-s3-key"}})
    result = run_module(registry_config, args, diff=True)
    assert result["config"]["http"]["secret"] == "********"
    assert result["config"]["proxy"]["password"] == "********"
    assert result["config"]["storage"]["s3"] == {"accesskey": "AKIA", "bucket": "b", "region": "us-east-1",
                                                 "secretkey": "********"}
    shown = json.dumps(result)
    for secret in (SECRET, HUB_PASSWORD, "do-not-show-this-s3-key"):
        assert secret not in shown
        assert secret in path.read_text()


def test_a_changed_secret_alone_shows_in_the_diff(run_module, tmp_path):
    path = tmp_path / "config.yml"
    run_module(registry_config, args_for(path))
    args = args_for(path)
    args["http"] = dict(args["http"], secret="another-secret-value")
    result = run_module(registry_config, args, check_mode=True, diff=True)
    assert result["changed"] is True
    before, after = result["diff"]["before"].splitlines(), result["diff"]["after"].splitlines()
    changed = [line for line in after if line not in before]
    assert len(changed) == 1 and changed[0].startswith("  secret: '********"), changed
    assert "another-secret-value" not in json.dumps(result)


def test_mode_owner_and_backup(run_module, tmp_path):
    path = tmp_path / "config.yml"
    run_module(registry_config, args_for(path, mode="0640"))
    assert mode_of(path) == 0o640
    args = args_for(path, mode="0640", backup=True, log={"level": "debug"})
    result = run_module(registry_config, args)
    assert result["changed"] is True and os.path.exists(result["backup_file"])
    assert "log" not in yaml.safe_load(open(result["backup_file"]).read())
    assert run_module(registry_config, args_for(path, mode="0644"))["changed"] is True  # mode alone
    assert mode_of(path) == 0o644


@pytest.mark.parametrize("overrides, named", [
    ({"storage": {"rados": {"poolname": "registry"}}}, "storage.rados: unknown storage driver"),
    ({"storage": {"s3": {"regon": "eu", "bucket": "b", "region": "eu"}}}, "storage.s3.regon: unknown key"),
    ({"storage": {"filesystem": {"rootdirectory": "/r"}, "inmemory": None}}, "storage: configure only one storage driver"),
    ({"proxy": {"username": "u"}}, "proxy.remoteurl: is required"),
    ({"proxy": {"remoteurl": "docker.io"}}, "proxy.remoteurl: 'docker.io' is not a URL with a scheme"),
    ({"http": {"addr": ":70000"}}, "http.addr: port '70000' must be a number from 1 to 65535"),
    ({"http": {"addr": ":5000", "tls": {"certificate": "/c"}}}, "http.tls: certificate and key must be given together"),
    ({"health": {"storagedriver": {"enabled": True, "interval": "10 s"}}}, "health.storagedriver.interval: '10 s' is not a duration"),
    ({"health": {"storagedriver": {"enabled": True, "interval": "-10s"}}}, "health.storagedriver.interval: '-10s' must not be negative"),
    ({"http": {"addr": ":5000", "draintimeout": "-1s"}}, "http.draintimeout: '-1s' must not be negative"),
])
def test_bad_input_fails_before_writing(run_module, tmp_path, overrides, named):
    path = tmp_path / "config.yml"
    run_module(registry_config, args_for(path))
    before = path.read_bytes()
    result = run_module(registry_config, args_for(path, **overrides))
    assert result["failed"] is True
    assert named in result["msg"], result["msg"]
    assert path.read_bytes() == before
    assert SECRET not in json.dumps(result)


def test_bad_input_creates_no_file(run_module, tmp_path):
    path = tmp_path / "config.yml"
    result = run_module(registry_config, args_for(path, storage={"filesystem": {"rootdir": "/r"}}))
    assert result["failed"] is True and "storage.filesystem.rootdir: unknown key" in result["msg"]
    assert not path.exists()


def test_unknown_http_key_is_named_by_the_argument_spec(run_module, tmp_path):
    path = tmp_path / "config.yml"
    args = args_for(path)
    args["http"] = dict(args["http"], adress=":5000")
    result = run_module(registry_config, args)
    assert result["failed"] is True and "http.adress" in result["msg"]
    assert not path.exists()


def test_a_certificate_and_key_that_do_not_pair_are_refused_on_the_host(run_module, tmp_path):
    for name in ("server", "other"):
        subprocess.run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                        "-out", str(tmp_path / (name + ".key"))], check=True, capture_output=True)
    subprocess.run(["openssl", "req", "-x509", "-new", "-key", str(tmp_path / "server.key"), "-subj", "/CN=registry",
                    "-days", "2", "-out", str(tmp_path / "server.crt")], check=True, capture_output=True)
    path = tmp_path / "config.yml"
    tls = {"certificate": str(tmp_path / "server.crt"), "key": str(tmp_path / "other.key")}
    result = run_module(registry_config, args_for(path, http={"addr": ":5000", "tls": tls}))
    assert result["failed"] is True and result["msg"].startswith("Invalid Distribution configuration: http.tls.key: ")
    assert not path.exists()
    tls["key"] = str(tmp_path / "server.key")
    assert run_module(registry_config, args_for(path, http={"addr": ":5000", "tls": tls}))["changed"] is True
