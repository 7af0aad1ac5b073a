# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""precheck_facts against a real Distribution on loopback, over HTTP and over HTTPS with a CA."""

from __future__ import annotations

from certificates import self_signed

from ansible_collections.anchorage.registry.plugins.modules import precheck_facts


def _pem(path):
    with open(path) as handle:
        return handle.read()


def test_a_real_registry_is_found_listening_and_answering(run_module, distribution, tmp_path):
    registry = distribution()
    result = run_module(precheck_facts, {"ports": [registry.port], "paths": [str(tmp_path / "not-yet")],
                                         "names": ["localhost"], "registries": [{"url": registry.url}]}, check_mode=True)
    assert result["changed"] is False
    assert [(item["address"], item["pid"], item["command"], item["ours"]) for item in result["listeners"]] == [
        ("127.0.0.1", registry.process.pid, "docker-registry", False)]
    assert result["disks"][0]["checked"] == str(tmp_path) and result["disks"][0]["free_bytes"] > 0
    assert "127.0.0.1" in result["names"]["localhost"]
    assert result["registries"] == [{"url": registry.url + "/v2/", "status": 200, "error": None}]
    assert result["memory_bytes"] > 0 and result["cpus"] >= 1


def test_https_answers_trusting_its_ca_and_fails_with_another(run_module, distribution, tmp_path):
    _key, _certificate, cert_path, key_path = self_signed(tmp_path, "server")
    _key, _certificate, other_ca, _other_key = self_signed(tmp_path, "other")
    registry = distribution(http={"tls": {"certificate": cert_path, "key": key_path}})
    trusted = run_module(precheck_facts, {"registries": [{"url": registry.url, "ca": _pem(cert_path)}]})
    refused = run_module(precheck_facts, {"registries": [{"url": registry.url, "ca": _pem(other_ca)}]})
    assert trusted["registries"][0]["status"] == 200
    assert refused["registries"][0]["status"] is None and "certificate verify failed" in refused["registries"][0]["error"]
