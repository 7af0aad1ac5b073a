#!/usr/bin/env python3
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Requests per object of a no-op harbor_project run, with Harbor holding 10 and 1,000 projects.

The server is the unit tests' Harbor double (tests/unit/plugins/modules/harbor_double.py) behind
Prism, which checks every exchange against Harbor's spec; requests are counted where the double
receives them. The same ten projects (five with a storage quota, five proxy caches of one
endpoint) are managed each time; the rest of the projects are only there. Goal: the ratio of
requests per object, 1,000 over 10, at most 1.1.

    .venv/bin/python benchmarks/harbor_api/run.py      (after `make prism`)
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path[:0] = [os.path.join(ROOT, ".build", "collections"), os.path.join(ROOT, "tests", "unit", "plugins", "modules")]

from ansible.module_utils.testing import patch_module_args  # noqa: E402

from ansible_collections.anchorage.registry.plugins.modules import harbor_project  # noqa: E402
from harbor_double import ADMIN, HarborDouble, Prism, free_port  # noqa: E402

MANAGED = 10
SIZES = (10, 1000)
GOAL = 1.1
GIB = 1 << 30


def managed_args(index):
    if index % 2:
        return {"name": "cache-%d" % index, "public": True, "registry_name": "hub"}
    return {"name": "team-%d" % index, "storage_limit": (index + 1) * GIB, "auto_scan": True}


def seed(double, size):
    double.reset()
    hub = double.add_registry("hub")
    for index in range(MANAGED):
        args = managed_args(index)
        if "registry_name" in args:
            double.add_project(args["name"], {"public": "true"}, registry_id=hub)
        else:
            double.add_project(args["name"], {"auto_scan": "true"}, storage_limit=args["storage_limit"])
    for index in range(size - MANAGED):
        double.add_project("filler-%04d" % index)


def run_module(args):
    out = io.StringIO()
    with patch_module_args(args), contextlib.redirect_stdout(out):
        try:
            harbor_project.main()
        except SystemExit:
            pass
    return json.loads(out.getvalue())


def measure(double, prism, size):
    seed(double, size)
    del double.requests[:]
    started = time.monotonic()
    for index in range(MANAGED):
        result = run_module(dict(managed_args(index), api_url=prism.url, api_username=ADMIN[0],
                                 api_password=ADMIN[1], _ansible_remote_tmp=tempfile.gettempdir()))
        if result.get("failed") or result["changed"]:
            raise SystemExit("not a no-op: %s" % result)
    elapsed = time.monotonic() - started
    violations = prism.violations()
    if violations:
        raise SystemExit("Prism found exchanges off Harbor's spec:\n" + "\n".join(violations))
    return len(double.requests) / float(MANAGED), elapsed / MANAGED


def main():
    double = HarborDouble()
    workdir = tempfile.mkdtemp(prefix="harbor-bench-")
    prism = Prism(workdir, double.url, free_port())
    try:
        figures = dict((size, measure(double, prism, size)) for size in SIZES)
    finally:
        prism.stop()
        double.stop()
    for size in SIZES:
        per_object, seconds = figures[size]
        print("Harbor holding %5d projects: %.2f requests per object, %.1f ms per object (%d objects, no-op)"
              % (size, per_object, seconds * 1000, MANAGED))
    ratio = figures[SIZES[-1]][0] / figures[SIZES[0]][0]
    print("requests per object, %d over %d projects: ratio %.2f (goal <= %.1f): %s"
          % (SIZES[-1], SIZES[0], ratio, GOAL, "met" if ratio <= GOAL else "NOT met"))
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
