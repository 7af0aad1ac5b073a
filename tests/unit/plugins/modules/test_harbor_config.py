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
from ansible.module_utils.basic import AnsibleModule

from ansible_collections.anchorage.registry.plugins.modules import harbor_config

ADMIN = "Do-not-show-Admin-password-1"
DB = "do-not-show-db-password"
S3_KEY = "do-not-show-s3-secret-key"
S3_ACCESS = "do-not-show-s3-access-key"
SECRETS = (ADMIN, DB, S3_KEY, S3_ACCESS)


def args_for(path, **overrides):
    args = {
        "path": str(path),
        "hostname": "harbor.example",
        "http": {"port": 8080},
        "harbor_admin_password": ADMIN,
        "database": {"password": DB, "max_open_conns": 900},
        "data_volume": "/srv/harbor",
        "storage_service": {"s3": {"region": "us-east-1", "bucket": "harbor", "accesskey": S3_ACCESS,
                                   "secretkey": S3_KEY, "regionendpoint": "http://127.0.0.1:9000"}},
        "upload_purging": {"enabled": True, "age": "168h", "interval": "24h", "dryrun": False},
    }
    args.update(overrides)
    return args


def mode_of(path):
    return stat.S_IMODE(os.stat(str(path)).st_mode)


def assert_no_secret(result):
    shown = json.dumps(result)
    for secret in SECRETS:
        assert secret not in shown, "%s shown" % secret


def test_first_write_then_a_no_op_rerun(run_module, tmp_path):
    path = tmp_path / "harbor.yml"
    first = run_module(harbor_config, args_for(path))
    assert first["changed"] is True and first["restart_required"] is True and first["reload_required"] is False
    text = path.read_text()
    assert text.startswith("# Managed by anchorage.registry.harbor_config")
    data = yaml.safe_load(text)
    assert data["harbor_admin_password"] == ADMIN and data["storage_service"]["s3"]["secretkey"] == S3_KEY
    assert data["_version"] == "2.15.0" and data["log"]["local"]["location"] == "/var/log/harbor"
    assert list(data)[:4] == ["hostname", "http", "harbor_admin_password", "database"]
    assert mode_of(path) == 0o600  # a new file holding passwords
    assert_no_secret(first)
    second = run_module(harbor_config, args_for(path))
    assert second["changed"] is False and second["restart_required"] is False
    assert path.read_text() == text


def test_check_mode_writes_nothing_and_predicts_the_change(run_module, tmp_path):
    path = tmp_path / "harbor.yml"
    result = run_module(harbor_config, args_for(path), check_mode=True, diff=True)
    assert result["changed"] is True and result["restart_required"] is True
    assert not path.exists()
    assert result["diff"]["before_header"].endswith("(absent)")
    assert "hostname: harbor.example" in result["diff"]["after"]
    run_module(harbor_config, args_for(path))
    before = path.read_bytes()
    changed = run_module(harbor_config, args_for(path, hostname="harbor2.example"), check_mode=True)
    assert changed["changed"] is True and path.read_bytes() == before


def test_the_diff_and_the_result_mask_every_secret(run_module, tmp_path):
    path = tmp_path / "harbor.yml"
    result = run_module(harbor_config, args_for(path), diff=True)
    assert result["config"]["harbor_admin_password"] == "********"
    assert result["config"]["database"] == {"password": "********", "max_open_conns": 900}
    assert result["config"]["storage_service"]["s3"]["secretkey"] == "********"
    assert result["config"]["storage_service"]["s3"]["bucket"] == "harbor"
    assert "harbor_admin_password: '********" in result["diff"]["after"]
    assert_no_secret(result)
    # A changed secret alone shows as one changed line, still masked.
    args = args_for(path, harbor_admin_password="Another-Admin-password-2")
    again = run_module(harbor_config, args, check_mode=True, diff=True)
    before, after = again["diff"]["before"].splitlines(), again["diff"]["after"].splitlines()
    assert [line for line in after if line not in before] == [
        line for line in after if line.startswith("harbor_admin_password: '********")]
    assert "Another-Admin-password-2" not in json.dumps(again)
    assert_no_secret(again)


def test_same_data_formatted_otherwise_is_not_rewritten(run_module, tmp_path):
    path = tmp_path / "harbor.yml"
    run_module(harbor_config, args_for(path))
    path.write_text(json.dumps(yaml.safe_load(path.read_text()), indent=2))  # JSON is YAML: same data
    before = path.read_bytes()
    result = run_module(harbor_config, args_for(path))
    assert result["changed"] is False and result["restart_required"] is False
    assert path.read_bytes() == before


def test_mode_and_backup(run_module, tmp_path):
    path = tmp_path / "harbor.yml"
    run_module(harbor_config, args_for(path, mode="0640"))
    assert mode_of(path) == 0o640
    result = run_module(harbor_config, args_for(path, mode="0640", backup=True, log={"level": "debug"}))
    assert result["changed"] is True and os.path.exists(result["backup_file"])
    assert yaml.safe_load(open(result["backup_file"]).read())["log"]["level"] == "info"


def test_https_with_real_certificate_files(run_module, tmp_path):
    key, cert = tmp_path / "h.key", tmp_path / "h.crt"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=harbor.example",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    path = tmp_path / "harbor.yml"
    ok = run_module(harbor_config, args_for(path, https={"port": 8443, "certificate": str(cert), "private_key": str(key)}))
    assert ok["changed"] is True and yaml.safe_load(path.read_text())["https"]["private_key"] == str(key)
    swapped = run_module(harbor_config, args_for(path, https={"certificate": str(key), "private_key": str(cert)}))
    assert swapped["failed"] is True
    assert swapped["errors"] == [
        "https.certificate (%s): holds a PRIVATE KEY: give only the certificate, never a key" % key,
        "https.private_key (%s): is not a PEM private key: no -----BEGIN PRIVATE KEY----- block found" % cert,
    ]


@pytest.mark.parametrize("overrides, named", [
    ({"hostname": "localhost"}, "hostname: 'localhost' is reachable from this host only"),
    ({"hostname": "reg.mydomain.com"}, "hostname: 'reg.mydomain.com' is the template's placeholder"),
    ({"https": {"certificate": "/nowhere/h.crt", "private_key": "/nowhere/h.key"}},
     "https.certificate: cannot read /nowhere/h.crt on the target"),
    ({"storage_service": {"s3": {"region": "us-east-1"}}}, "storage_service.s3.bucket: is required"),
    ({"storage_service": {"s3": {}}}, "storage_service.s3.region: is required"),
    ({"storage_service": {"filesystem": {}, "s3": {"region": "r", "bucket": "b"}}},
     "storage_service: configure only one storage driver"),
    ({"harbor_admin_password": ""}, "harbor_admin_password: is required"),
    ({"harbor_admin_password": "with\nnewline"}, "harbor_admin_password: holds a control character"),
    ({"data_volume": "data"}, "data_volume: 'data' must be an absolute path"),
    ({"log": {"level": "INFO"}}, "log.level: 'INFO' is not one of debug, info, warning, error, fatal (write 'info'"),
    ({"external_database": {"harbor": {"host": "db", "port": 5432, "db_name": "registry", "username": "h",
                                       "password": "p"}}, "database": None},
     "external_database.harbor.ssl_mode: is required"),
    ({"database": None}, "database: is required unless external_database is given"),
    ({"http": {"port": 70000}}, "http.port: 70000 is not a port number"),
    # Refused by Ansible's argument spec, naming the option:
    # Ansible's own message; before 2.19 it names the type <class 'str'>.
    ({"http": {"port": "eighty"}}, "found in 'http'. and we were unable to convert to int"),
    ({"storage_service": {"minio": {}}}, "Unsupported parameters for (basic.py) module: storage_service.minio."),
    ({"harbour": {}}, "Unsupported parameters for (basic.py) module: harbour."),
])
def test_bad_input_writes_nothing(run_module, tmp_path, overrides, named):
    path = tmp_path / "harbor.yml"
    assert run_module(harbor_config, args_for(path))["changed"] is True
    before = path.read_bytes()
    result = run_module(harbor_config, args_for(path, **overrides))
    assert result["failed"] is True
    assert named in result["msg"], result["msg"]
    assert path.read_bytes() == before
    assert not [secret for secret in SECRETS if secret in result["msg"]]
    if "errors" in result:  # refused by the format: nothing of the options shows unmasked
        assert_no_secret(result)
    fresh = tmp_path / "new.yml"
    assert run_module(harbor_config, args_for(fresh, **overrides))["failed"] is True
    assert not fresh.exists()


def test_a_refusal_by_the_argument_spec_masks_the_secrets_in_the_returned_invocation(run_module, tmp_path):
    result = run_module(harbor_config, args_for(tmp_path / "harbor.yml", harbour={}))
    assert result["failed"] is True
    assert_no_secret(result)


def test_the_templates_passwords_are_warned_about(run_module, tmp_path, monkeypatch):
    # Captured at the source, as in test_zot_config: ansible-core 2.19 may send them to the display.
    warned = []
    monkeypatch.setattr(AnsibleModule, "warn", lambda self, text, **kwargs: warned.append(text))
    run_module(harbor_config, args_for(tmp_path / "harbor.yml", harbor_admin_password="Harbor12345"))
    assert warned == ["harbor_admin_password is the template's default password: choose another before any real use"]


def test_without_a_path_only_the_options_are_checked(run_module, tmp_path):
    # The role's check on the controller: no file read or written, the files harbor.yml names not looked for.
    https = {"port": 443, "certificate": str(tmp_path / "missing.crt"), "private_key": str(tmp_path / "missing.key")}
    args = args_for(tmp_path / "unused", https=https)
    del args["path"]
    result = run_module(harbor_config, args, check_mode=True)
    assert result["changed"] is False and result["config"]["https"]["certificate"].endswith("missing.crt")
    assert list(tmp_path.iterdir()) == []
    assert_no_secret(result)
    refused = run_module(harbor_config, dict(args, hostname="localhost"), check_mode=True)
    assert refused["failed"] and refused["errors"][0].startswith("hostname:")


def test_the_prepare_checksum_is_returned_and_ignores_the_admin_password(run_module, tmp_path):
    path = tmp_path / "harbor.yml"
    first = run_module(harbor_config, args_for(path))
    second = run_module(harbor_config, args_for(path, harbor_admin_password="Another-Admin-9"))
    assert second["changed"] is True
    assert first["prepare_checksum"] == second["prepare_checksum"]
    assert len(first["prepare_checksum"]) == 64
