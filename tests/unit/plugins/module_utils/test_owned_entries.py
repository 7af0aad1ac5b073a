# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.anchorage.registry.plugins.module_utils._owned_entries import (
    merge_list,
    merge_map,
    read_state,
    state_path,
    state_text,
)


def test_list_adds_ours_after_others_and_owns_only_what_it_added():
    merged, owned = merge_list(["theirs:5000", "shared:5000"], ["shared:5000", "ours:5000"], [])
    assert merged == ["theirs:5000", "shared:5000", "ours:5000"]
    assert owned == ["ours:5000"]  # shared:5000 was there before us: never ours to remove


def test_list_removes_ours_no_longer_wanted_and_keeps_theirs():
    merged, owned = merge_list(["theirs", "shared", "old", "ours"], ["shared", "ours"], ["old", "ours"])
    assert merged == ["theirs", "shared", "ours"]
    assert owned == ["ours"]
    merged, owned = merge_list(merged, [], owned)
    assert merged == ["theirs", "shared"] and owned == []


def test_list_follows_the_wanted_order_and_is_stable():
    merged, owned = merge_list(["theirs", "b", "a"], ["a", "b", "a"], ["a", "b"])
    assert merged == ["theirs", "a", "b"] and owned == ["a", "b"]
    assert merge_list(merged, ["a", "b"], owned) == (merged, owned)


def test_list_re_adds_an_owned_entry_someone_removed():
    merged, owned = merge_list(["theirs"], ["ours"], ["ours"])
    assert merged == ["theirs", "ours"] and owned == ["ours"]


def test_map_keeps_theirs_replaces_ours_and_reports_takeovers():
    current = {"quay.io": {"endpoint": ["https://theirs"]}, "docker.io": {"endpoint": ["https://old"]},
               "gone.io": {"endpoint": ["https://ours"]}, "same.io": {"endpoint": ["https://x"]}}
    wanted = {"docker.io": {"endpoint": ["https://ours"]}, "same.io": {"endpoint": ["https://x"]},
              "new.io": {"endpoint": ["https://ours"]}}
    merged, owned, taken = merge_map(current, wanted, ["gone.io"])
    assert merged == {"quay.io": {"endpoint": ["https://theirs"]}, "docker.io": {"endpoint": ["https://ours"]},
                      "same.io": {"endpoint": ["https://x"]}, "new.io": {"endpoint": ["https://ours"]}}
    assert owned == ["docker.io", "new.io"]  # same.io was already set identically by someone else
    assert taken == ["docker.io"]
    assert merge_map(merged, wanted, owned) == (merged, owned, [])


def test_state_file_lives_next_to_the_config_and_round_trips(tmp_path):
    config = tmp_path / "daemon.json"
    assert state_path(str(config)) == str(tmp_path / ".daemon.json.anchorage-owned.json")
    assert read_state(str(config)) == {}
    text = state_text({"b": ["x"], "a": [], "c": ["y", "z"]})
    assert text == '{\n  "b": [\n    "x"\n  ],\n  "c": [\n    "y",\n    "z"\n  ]\n}\n'
    (tmp_path / ".daemon.json.anchorage-owned.json").write_text(text)
    assert read_state(str(config)) == {"b": ["x"], "c": ["y", "z"]}
    assert state_text({"a": []}) is None


@pytest.mark.parametrize("text", ["{broken", "[1]", '{"a": "not a list"}'])
def test_a_damaged_state_file_is_refused(tmp_path, text):
    (tmp_path / ".x.anchorage-owned.json").write_text(text)
    with pytest.raises(ValueError, match="is damaged; delete it"):
        read_state(str(tmp_path / "x"))
