# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""harbor_gc over HTTP against the Harbor double, every exchange checked by Prism (conftest.py)."""

from __future__ import annotations

import json

from ansible_collections.anchorage.registry.plugins.modules import harbor_gc
from harbor_double import DEVELOPER

SATURDAY = "0 0 2 * * 6"


def methods(result):
    return [call["method"] for call in result["requests"]]


def test_set_noop_update_remove(run_module, harbor):
    args = harbor.args(schedule=SATURDAY, delete_untagged=True, workers=3)
    created = run_module(harbor_gc, args, diff=True)
    assert created["changed"] is True and created["changes"] == ["delete_untagged", "schedule", "workers"]
    assert created["diff"] == {"before": {"schedule": "none"},
                               "after": {"schedule": SATURDAY, "delete_untagged": True, "workers": 3}}
    assert harbor.double.gc_schedule == {"type": "Custom", "cron": SATURDAY,
                                         "parameters": {"delete_untagged": True, "workers": 3}}
    assert methods(created) == ["GET", "PUT"] and "gc_id" not in created

    harbor.double.requests[:] = []
    again = run_module(harbor_gc, harbor.args(schedule="0  0 2 * *   6", delete_untagged=True, workers=3))
    assert again["changed"] is False and harbor.double.requests == [("GET", "/api/v2.0/system/gc/schedule")]
    assert again["gc"] == {"schedule": SATURDAY, "delete_untagged": True, "workers": 3}
    assert "redis" not in json.dumps(again)  # Harbor's own job parameters (its Redis URL) stay out

    fewer = run_module(harbor_gc, harbor.args(schedule=SATURDAY, workers=1))
    assert fewer["changes"] == ["workers"]
    assert harbor.double.gc_schedule["parameters"] == {"delete_untagged": True, "workers": 1}  # the rest kept

    removed = run_module(harbor_gc, harbor.args(schedule="none"))
    assert removed["changed"] is True and removed["changes"] == ["schedule"] and harbor.double.gc_schedule is None
    gone = run_module(harbor_gc, harbor.args(schedule="none"))
    assert gone["changed"] is False and methods(gone) == ["GET"]


def test_a_preset_schedule_is_compared_by_its_cron(run_module, harbor):
    harbor.double.gc_schedule = {"type": "Daily", "cron": "0 0 0 * * *", "parameters": {}}
    same = run_module(harbor_gc, harbor.args(schedule="0 0 0 * * *"))
    assert same["changed"] is False and same["gc"] == {"schedule": "0 0 0 * * *"}


def test_check_mode_changes_nothing(run_module, harbor):
    would = run_module(harbor_gc, harbor.args(schedule=SATURDAY), check_mode=True, diff=True)
    assert would["changed"] is True and harbor.double.gc_schedule is None and methods(would) == ["GET"]
    assert would["diff"]["after"] == {"schedule": SATURDAY}
    harbor.double.gc_schedule = {"type": "Custom", "cron": SATURDAY, "parameters": {"workers": 2}}
    remove = run_module(harbor_gc, harbor.args(schedule="none"), check_mode=True)
    assert remove["changed"] is True and harbor.double.gc_schedule["cron"] == SATURDAY and methods(remove) == ["GET"]


def test_api_errors_are_readable(run_module, harbor):
    forbidden = run_module(harbor_gc, dict(harbor.args(schedule=SATURDAY), api_username=DEVELOPER[0],
                                           api_password=DEVELOPER[1]))
    assert forbidden["failed"] is True
    assert forbidden["msg"].startswith("GET /api/v2.0/system/gc/schedule: 403 FORBIDDEN forbidden (X-Request-Id: ")


def test_bad_input_names_the_option_and_sends_nothing(run_module, harbor):
    for options, message in [
        ({"schedule": "0 2 * * 6"}, "schedule: '0 2 * * 6' is not Harbor's cron (6 fields"),
        ({"schedule": "weekly"}, "schedule: 'weekly' is not Harbor's cron"),
        ({"schedule": SATURDAY, "workers": 6}, "workers: 6 is outside 1-5"),
        ({"schedule": "none", "delete_untagged": True}, "delete_untagged: has no effect with schedule=none"),
    ]:
        result = run_module(harbor_gc, harbor.args(**options))
        assert result["failed"] is True and result["msg"].startswith(message), result["msg"]
    assert harbor.double.requests == []
