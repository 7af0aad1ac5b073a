# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json
import subprocess

import pytest

from ansible_collections.anchorage.registry.plugins.module_utils._docker_daemon import (
    merge,
    option_errors,
    parse,
    render,
    validate_command_result,
)


def test_parse_accepts_absent_and_empty_files():
    assert parse(None, "/d.json") == {} and parse("  \n", "/d.json") == {}


@pytest.mark.parametrize("text, words", [
    ("{\"a\": 1,", "/d.json is not valid JSON (Expecting property name"),
    ("[\"a\"]", "/d.json must hold a JSON object, not list"),
    ("{\"insecure-registries\": \"reg:5000\"}", "insecure-registries must be a list of strings"),
    ("{\"registry-mirrors\": [1]}", "registry-mirrors must be a list of strings"),
])
def test_parse_refuses_what_dockerd_would_refuse(text, words):
    with pytest.raises(ValueError) as raised:
        parse(text, "/d.json")
    assert words in str(raised.value)


def test_option_checks_name_each_bad_entry():
    errors = option_errors(["reg:5000", "10.0.0.0/8", "http://reg:5000", "10.0.0.0/99"],
                           ["http://reg:5000", "https://reg", "reg:5000", "https://reg/v2/hub", "https://u:p@reg"])
    assert errors[0].startswith("insecure_registries[2]: 'http://reg:5000' is a URL")
    assert errors[1].startswith("insecure_registries[3]: '10.0.0.0/99' is neither a host[:port] nor a CIDR")
    assert [e.split(":")[0] for e in errors[2:]] == ["registry_mirrors[2]", "registry_mirrors[3]", "registry_mirrors[4]"]


def test_merge_keeps_other_keys_and_entries():
    doc = {"log-driver": "journald", "insecure-registries": ["theirs:5000"], "features": {"buildkit": True}}
    wanted = {"insecure-registries": ["ours:5000"], "registry-mirrors": ["http://ours:5000"]}
    new_doc, state = merge(doc, wanted, {})
    assert new_doc == {"log-driver": "journald", "insecure-registries": ["theirs:5000", "ours:5000"],
                       "features": {"buildkit": True}, "registry-mirrors": ["http://ours:5000"]}
    assert state == {"insecure-registries": ["ours:5000"], "registry-mirrors": ["http://ours:5000"]}
    assert list(new_doc) == ["log-driver", "insecure-registries", "features", "registry-mirrors"]


def test_emptied_lists_stay_as_empty_lists_so_a_reload_applies_them():
    doc = {"insecure-registries": ["ours:5000"], "registry-mirrors": ["http://ours:5000"]}
    state = {"insecure-registries": ["ours:5000"], "registry-mirrors": ["http://ours:5000"]}
    new_doc, new_state = merge(doc, {"insecure-registries": [], "registry-mirrors": []}, state)
    assert new_doc == {"insecure-registries": [], "registry-mirrors": []}
    assert new_state == {"insecure-registries": [], "registry-mirrors": []}
    assert merge({}, {"insecure-registries": [], "registry-mirrors": []}, {})[0] == {}


def test_render_is_json_dockerd_reads():
    text = render({"insecure-registries": ["reg:5000"]})
    assert json.loads(text) == {"insecure-registries": ["reg:5000"]} and text.endswith("}\n")


def test_the_engine_here_has_no_validate_flag_and_that_is_recognised(tmp_path):
    """Debian 12's dockerd (20.10) is installed on the lab machines: ask it for real."""
    config = tmp_path / "daemon.json"
    config.write_text(render({"insecure-registries": ["reg:5000"]}))
    done = subprocess.run(["dockerd", "--validate", "--config-file", str(config)],
                          capture_output=True, text=True, check=False)
    assert validate_command_result(done.returncode, done.stdout, done.stderr) == (False, None)


def test_validate_results_of_engines_that_have_the_flag():
    # Docker 23+ prints "configuration OK" and exits 0, or prints the problem and exits non-zero
    # (moby#42393). No such engine runs on the lab machines, so these outputs are written by hand.
    assert validate_command_result(0, "configuration OK\n", "") == (True, None)
    checked, error = validate_command_result(1, "", "unable to configure the Docker daemon with file x: "
                                                    "invalid mirror: path, query, or fragment at end of the URI")
    assert checked is True and "invalid mirror" in error
