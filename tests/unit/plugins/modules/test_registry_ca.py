# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import os
import subprocess

import pytest

from ansible_collections.anchorage.registry.plugins.modules import registry_ca


@pytest.fixture(scope="module")
def pems(tmp_path_factory):
    root = tmp_path_factory.mktemp("pki")
    found = []
    for name in ("one", "two"):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=%s" % name,
                        "-keyout", str(root / (name + ".key")), "-out", str(root / (name + ".crt"))],
                       check=True, capture_output=True)
        found.append((root / (name + ".crt")).read_text())
    return found


def test_certs_d_layout_with_check_mode_idempotence_and_removal(run_module, tmp_path, pems):
    root = tmp_path / "certs.d"
    (root / "theirs.example").mkdir(parents=True)
    (root / "theirs.example" / "ca.crt").write_text(pems[1])
    args = {"destinations": [{"path": str(root)}],
            "certificates": [{"host": "reg.example:5443", "pem": pems[0]}, {"host": "10.0.0.5:5443", "pem": pems[1]}]}
    check = run_module(registry_ca, args, check_mode=True)
    assert check["changed"] is True and check["changed_destinations"] == [str(root)]
    assert sorted(os.listdir(str(root))) == ["theirs.example"]
    first = run_module(registry_ca, args)
    assert first["changed"] is True
    assert first["paths"][str(root)]["reg.example:5443"] == str(root / "reg.example:5443" / "ca.crt")
    assert (root / "reg.example:5443" / "ca.crt").read_text() == pems[0]
    again = run_module(registry_ca, args)
    assert again["changed"] is False and again["changed_destinations"] == []
    result = run_module(registry_ca, dict(args, certificates=args["certificates"][:1]))
    assert result["changed"] is True
    assert sorted(os.listdir(str(root))) == ["reg.example:5443", "theirs.example"]


def test_several_destinations_in_one_call_and_a_trust_store_turned_off(run_module, tmp_path, pems):
    docker, store = tmp_path / "docker-certs.d", tmp_path / "anchorage-registry"
    args = {"certificates": [{"host": "reg.example:5443", "pem": pems[0]}],
            "destinations": [{"path": str(docker)}, {"path": str(store), "layout": "flat"}]}
    result = run_module(registry_ca, args)
    assert result["changed_destinations"] == [str(docker), str(store)]
    assert result["paths"][str(store)] == {"reg.example:5443": str(store / "reg.example_5443.crt")}
    assert sorted(os.listdir(str(store))) == [".anchorage-managed", "reg.example_5443.crt"]
    assert run_module(registry_ca, args)["changed"] is False
    off = dict(args, destinations=[{"path": str(docker)}, {"path": str(store), "layout": "flat", "state": "absent"}])
    gone = run_module(registry_ca, off)
    assert gone["changed_destinations"] == [str(store)] and not store.exists()
    assert (docker / "reg.example:5443" / "ca.crt").exists()
    assert run_module(registry_ca, off)["changed"] is False


def test_a_ca_that_is_not_pem_fails_before_anything_is_written(run_module, tmp_path, pems):
    root = tmp_path / "certs.d"
    result = run_module(registry_ca, {"destinations": [{"path": str(root)}, {"path": str(root)}], "certificates": [
        {"host": "good.example", "pem": pems[0]},
        {"host": "bad.example", "pem": "this is not a certificate"},
        {"host": "https://x", "pem": pems[0]}]})
    assert result["failed"] is True
    assert "certificates[1].pem: is not PEM" in result["msg"]
    assert "certificates[2].host: 'https://x' is a URL" in result["msg"]
    assert "destinations[1].path: %r is listed twice (first at destinations[0].path)" % str(root) in result["msg"]
    assert not root.exists()


def test_a_directory_without_our_marker_is_refused_before_any_destination_is_written(run_module, tmp_path, pems):
    first, second = tmp_path / "first", tmp_path / "second"
    (second / "reg.example").mkdir(parents=True)
    result = run_module(registry_ca, {"destinations": [{"path": str(first)}, {"path": str(second)}],
                                      "certificates": [{"host": "reg.example", "pem": pems[0]}]})
    assert result["failed"] is True and "was not created by anchorage.registry" in result["msg"]
    assert not first.exists() and os.listdir(str(second / "reg.example")) == []
