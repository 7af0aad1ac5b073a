# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: precheck_problems
short_description: Every problem the precheck found on every host, in one table
version_added: 0.1.0
description:
  - Turns the facts M(anchorage.registry.precheck_facts) read on each host into one row per problem
    (C(host), C(check), C(severity) C(blocking) or C(warning), C(detail)) and an aligned text table of them.
  - Blocking, each on its host; ports a registry needs taken by another process or an address the host lacks
    (as the C(anchorage.registry.bind_errors) filter says), less free space than C(minimums.free_disk_mb) for a data
    directory, less memory or fewer CPUs than the minimums, a missing or older Docker engine or Compose where they are
    needed, a clock more than O(max_skew) seconds off the median of all hosts, a name that does not resolve, a registry
    that does not answer C(/v2/) with 200 or 401 trusting its CA. An old engine or Compose where neither is needed is a warning.
author:
  - anchorage.registry contributors (@anchorage-registry)
positional: max_skew, unreachable
options:
  _input:
    description:
      - Per inventory host, C(facts) (what M(anchorage.registry.precheck_facts) returned), C(minimums)
        (C(memory_mb), C(cpus), C(free_disk_mb), C(engine) and C(compose) versions), C(host_addresses),
        C(binds) (C(address), C(port), C(where_address), C(where_port)), C(need_engine) and C(need_compose).
    type: dict
    required: true
  max_skew:
    description: Seconds a host's clock may differ from the median of all hosts' clocks.
    type: float
    required: true
  unreachable:
    description: Hosts that could not be read, one blocking row each.
    type: list
    elements: str
    default: []
"""

EXAMPLES = r"""
- name: Every problem, in one table
  ansible.builtin.debug:
    msg: "{{ (hosts | anchorage.registry.precheck_problems(10)).table }}"
"""

RETURN = r"""
_value:
  description: C(rows), C(table) (lines of text) and C(blocking) (how many rows block).
  type: dict
  sample:
    rows: [{host: reg1, check: port, severity: blocking, detail: "registry_port: 5000 is taken on 0.0.0.0 by nginx (pid 4)"}]
    table: ["HOST  CHECK  SEVERITY  DETAIL", "reg1  port   blocking  registry_port: 5000 is taken on 0.0.0.0 by nginx (pid 4)"]
    blocking: 1
"""

from ansible_collections.anchorage.registry.plugins.module_utils._precheck import problems, table


def precheck_problems(hosts, max_skew, unreachable=()):
    rows = problems(hosts, max_skew, unreachable)
    return {"rows": rows, "table": table(rows), "blocking": sum(1 for row in rows if row["severity"] == "blocking")}


class FilterModule(object):
    def filters(self):
        return {"precheck_problems": precheck_problems}
