# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.anchorage.registry.plugins.module_utils._harbor_keys import KEY_FILES, keys_plan

A = {"keys/secretkey": "aaaaaaaaaaaaaaaa", "core/private_key.pem": "KEY A", "registry/root.crt": "CRT A"}
B = {"keys/secretkey": "bbbbbbbbbbbbbbbb", "core/private_key.pem": "KEY B", "registry/root.crt": "CRT B"}
NONE = dict((name, None) for name in KEY_FILES)


def test_no_node_holds_keys_so_they_are_made_once():
    assert keys_plan({"h1": NONE, "h2": {}}) == {"keys": {}, "errors": []}


def test_the_keys_a_node_holds_go_to_the_others():
    assert keys_plan({"h1": NONE, "h2": A, "h3": A}) == {"keys": A, "errors": []}


def test_different_keys_are_refused_naming_the_nodes_not_the_keys():
    plan = keys_plan({"h1": A, "h2": B, "h3": A})
    assert plan["keys"] == {}
    assert plan["errors"] == ["the nodes hold different Harbor keys under <data_volume>/secret (h1, h3; h2): one shared "
                              "Harbor needs the same secretkey and token key pair on every node"]
    assert "KEY" not in plan["errors"][0] and "aaaa" not in plan["errors"][0]


def test_a_node_holding_only_some_keys_is_refused():
    plan = keys_plan({"h1": dict(NONE, **{"keys/secretkey": "cccccccccccccccc"}), "h2": A})
    assert plan["keys"] == {}
    assert plan["errors"] == ["h1 holds keys/secretkey but not core/private_key.pem, registry/root.crt under "
                              "<data_volume>/secret: put back the missing ones, or remove all three to have them "
                              "copied from another node"]
