# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import hashlib
import json
import os
import stat

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.anchorage.registry.plugins.modules import zot_config

SEED_002 = {
    "http": {"auth": {"htpasswd": {"path": "/etc/zot/auth/htpasswd"}},
             "accessControl": {"repositories": {"**": {"anonymousPolicy": ["read"], "policies": [
                 {"users": ["admin"], "actions": ["read", "create", "update", "delete"]}]}}}},
    "extensions": {"scrub": {"enable": True, "interval": "3h"}, "lint": {"enable": True},
                   "sync": {"registries": [{"urls": ["https://gcr.io"], "onDemand": True, "maxRetries": 2,
                                            "retryDelay": "5m", "content": [{"prefix": "/google-containers/*"}]}]}},
}


def test_returns_the_checked_config_without_writing(run_module, tmp_path):
    result = run_module(zot_config, SEED_002)
    assert result["changed"] is False and result["restart_required"] is False
    config = json.loads(result["json"])
    assert config == result["config"]
    assert config["http"]["compat"] == ["docker2s2"] and config["storage"] == {"rootDirectory": "/var/lib/registry"}
    assert result["checksum"] == hashlib.sha256(result["json"].encode()).hexdigest()
    assert [note.split(":")[0] for note in result["defaults_applied"]] == [
        "distSpecVersion", "storage.rootDirectory", "http.address", "http.port", "log.level", "http.compat"]
    assert not [name for _dirs, _subdirs, files in os.walk(str(tmp_path)) for name in files if name.endswith(".json")]


def test_writes_dest_once_then_nothing_to_do(run_module, tmp_path):
    dest = tmp_path / "etc" / "config.json"
    check = run_module(zot_config, dict(SEED_002, path=str(dest), mode="0640"), check_mode=True, diff=True)
    assert check["changed"] is True and check["restart_required"] is True and not dest.exists()
    assert check["diff"]["before_header"].endswith("(absent)") and '"docker2s2"' in check["diff"]["after"]
    first = run_module(zot_config, dict(SEED_002, path=str(dest), mode="0640"))
    assert first["changed"] is True and first["restart_required"] is True
    assert dest.read_text() == first["json"] and stat.S_IMODE(os.stat(str(dest)).st_mode) == 0o640
    second = run_module(zot_config, dict(SEED_002, path=str(dest), mode="0640"))
    assert second["changed"] is False and second["restart_required"] is False
    again = run_module(zot_config, dict(SEED_002, path=str(dest), mode="0640"), check_mode=True)
    assert again["changed"] is False


def test_a_new_dest_without_mode_is_private(run_module, tmp_path):
    dest = tmp_path / "config.json"
    run_module(zot_config, dict(SEED_002, path=str(dest)))
    assert stat.S_IMODE(os.stat(str(dest)).st_mode) == 0o600


def test_a_change_is_written_with_a_backup(run_module, tmp_path):
    dest = tmp_path / "config.json"
    run_module(zot_config, dict(SEED_002, path=str(dest)))
    result = run_module(zot_config, dict(SEED_002, path=str(dest), backup=True, log={"level": "debug"}), diff=True)
    assert result["changed"] is True and os.path.exists(result["backup_file"])
    assert '"level": "info"' in result["diff"]["before"] and '"level": "debug"' in result["diff"]["after"]


def test_bad_input_fails_naming_the_key_and_writes_nothing(run_module, tmp_path):
    dest = tmp_path / "config.json"
    dest.write_text("{}\n")
    bad = {"extensions": {"sync": {"registries": [{"urls": ["https://ghcr.io"], "content": [{"prefix": "a{b"}]}]}},
           "http": {"auth": {"htpasswd": {"path": "/h"}}, "accessControl": {"repositories": {"**": {"defaultPolicy": ["pull"]}}}},
           "storage": {"retention": {"policies": [{"keepTags": [{"pulledWithin": "30 days"}]}]}}}
    result = run_module(zot_config, dict(bad, path=str(dest)))
    assert result["failed"] is True
    assert result["msg"].startswith("invalid zot config: ")
    assert len(result["errors"]) == 3
    assert result["errors"][0].startswith("storage.retention.policies[0].keepTags[0].pulledWithin: '30 days' is not a duration")
    assert result["errors"][1].startswith("http.accessControl.repositories.**.defaultPolicy: 'pull': unknown action")
    assert result["errors"][2] == ("extensions.sync.registries[0].content[0].prefix: 'a{b' has a '{' without a closing "
                                   "'}' (doublestar.ValidatePattern)")
    assert dest.read_text() == "{}\n"


def test_an_unknown_key_is_refused_with_its_path(run_module):
    result = run_module(zot_config, {"storage": {"rootDirectory": "/r", "dedup": False}})
    assert result["failed"] is True
    assert result["errors"] == ["storage.dedup: unknown key (known keys here: cacheDriver, commit, dedupe, fastRestart, "
                                "gc, gcDelay, gcInterval, gcTimeWindow, maxRepos, redirectBlobURL, remoteCache, retention, "
                                "rootDirectory, storageDriver, subPaths)"]


def test_secrets_in_the_config_are_masked(run_module):
    storage = {"rootDirectory": "/tmp/zot", "storageDriver": {
        "name": "s3", "region": "us-east-1", "bucket": "zot", "accesskey": "AKIAEXAMPLE", "secretkey": "wJalrXUtnFEMI-secret"}}
    result = run_module(zot_config, {"storage": storage})
    shown = json.dumps(result)
    assert "wJalrXUtnFEMI-secret" not in shown and "AKIAEXAMPLE" not in shown
    assert result["config"]["storage"]["dedupe"] is False


def test_warnings_for_what_zot_would_change(run_module, monkeypatch):
    # Captured at the source: once a test imports controller code, ansible-core 2.19 sends module
    # warnings to the display instead of the result.
    warned = []
    monkeypatch.setattr(AnsibleModule, "warn", lambda self, text, **kwargs: warned.append(text))
    result = run_module(zot_config, {"extensions": {"search": {"cve": {"updateInterval": "1h"}}}})
    assert result["changed"] is False
    assert warned == ["extensions.search.cve.updateInterval: 1h is below zot's minimum; zot raises it to 2h"]
