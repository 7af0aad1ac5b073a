# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""Harbor's garbage collection schedule (``harbor_gc``): a cron or none, untagged artifacts, workers.

There is one schedule per Harbor: a no-op costs one request, ``GET /system/gc/schedule`` (an
empty object or, from newer Harbors, no body when none is set). ``PUT /system/gc/schedule`` sets it whether one exists or not (Harbor
deletes the old schedule and creates the new one), and ``type: None`` removes it. Harbor answers
the job's parameters as one JSON string that also holds its own (the Redis URL, with its
password): only ``delete_untagged`` and ``workers`` are read from it.
"""

from __future__ import annotations

import json

from ansible_collections.anchorage.registry.plugins.module_utils._checks import number_errors
from ansible_collections.anchorage.registry.plugins.module_utils._harbor_api import ApiObject

NONE = "none"
MAX_WORKERS = 5  # Harbor's validateWorkers
PARAMETERS = ("delete_untagged", "workers")

GC_SPEC = dict(
    schedule=dict(type="str", required=True),
    delete_untagged=dict(type="bool"),
    workers=dict(type="int"),
)


def cron(value):
    """A cron expression with single spaces, as compared."""
    return " ".join(value.split())


def gc_errors(params):
    errors = []
    schedule = params.get("schedule") or ""
    if schedule != NONE and len(schedule.split()) != 6:
        errors.append("schedule: %r is not Harbor's cron (6 fields, seconds first: '0 0 2 * * 6' is 02:00 every "
                      "Saturday) nor none" % schedule)
    if params.get("workers") is not None:
        errors.extend(number_errors(params["workers"], "workers", 1, MAX_WORKERS))
    if schedule == NONE:
        errors.extend("%s: has no effect with schedule=none" % key for key in PARAMETERS if params.get(key) is not None)
    return errors


def gc_view(live):
    """The schedule Harbor holds (``live``: the answer, None when none is set)."""
    schedule = (live or {}).get("schedule") or {}
    if schedule.get("type") in (None, "", "None") or not schedule.get("cron"):
        return {"schedule": NONE}
    try:
        parameters = json.loads((live or {}).get("job_parameters") or "{}")
    except ValueError:
        parameters = {}
    return {"schedule": cron(schedule["cron"]), "delete_untagged": bool(parameters.get("delete_untagged")),
            "workers": parameters.get("workers") or 1}


def wanted_view(params, before):
    view = dict(before)
    view["schedule"] = cron(params["schedule"]) if params["schedule"] != NONE else NONE
    for key in PARAMETERS:
        if params.get(key) is not None:
            view[key] = params[key]
    return view


def schedule_body(after):
    """The ``Schedule`` of ``PUT /system/gc/schedule``."""
    if after["schedule"] == NONE:
        return {"schedule": {"type": "None"}}
    return {"schedule": {"type": "Custom", "cron": after["schedule"]},
            "parameters": {"delete_untagged": bool(after.get("delete_untagged")), "workers": after.get("workers") or 1}}


class GarbageCollection(ApiObject):
    kind = "gc"
    has_id = False

    def fields(self, params):
        if params["schedule"] == NONE:
            return ["schedule"]
        return ["schedule"] + [key for key in PARAMETERS if params.get(key) is not None]

    def errors(self, params):
        return gc_errors(params)

    def read(self, client, params):
        _s, _h, data = client.request("GET", "/system/gc/schedule")
        return data or {}, None  # always there, to compare with: no schedule reads as none

    def view(self, live, context):
        return gc_view(live)

    def identity(self, live):
        return None

    def wanted(self, params, context, before):
        return wanted_view(params, before)

    def update(self, client, params, live, context, changes):
        client.request("PUT", "/system/gc/schedule", body=schedule_body(wanted_view(params, gc_view(live))))
