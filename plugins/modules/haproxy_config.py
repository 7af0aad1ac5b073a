#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: haproxy_config
short_description: Write a checked haproxy.cfg that balances a registry over its nodes
version_added: 0.1.0
description:
  - Renders C(haproxy.cfg) with one HTTP frontend and one backend of registry nodes, balanced round robin, each
    node health-checked over HTTP so that a dead one leaves the rotation within O(check_interval) x O(check_fall)
    and comes back after O(check_rise) good answers.
  - A request whose connection to a node fails is sent to another node (C(option redispatch), O(retries)), so a
    node that just died costs a client at most the requests it had in flight.
  - Long client and server timeouts (default 1200 s) let a 1.2 GB layer go up or down on a slow link. Blob
    uploads of one push may land on different nodes; the nodes must share Distribution's C(http.secret) and
    storage (the P(anchorage.registry.registry#role) role does with one secret for every replica).
  - Runs C(haproxy -c) on the new text before it replaces the live file (O(validate)). Does not reload HAProxy;
    it returns RV(reload_required).
author:
  - anchorage.registry contributors (@anchorage-registry)
extends_documentation_fragment:
  - anchorage.registry.attributes
  - anchorage.registry.config_file
  - anchorage.registry.config_file.FILE
  - anchorage.registry.config_file.VALIDATE
  - ansible.builtin.files
options:
  path:
    description: The HAProxy configuration file.
    type: path
    default: /etc/haproxy/haproxy.cfg
  name:
    description: Name of the frontend and the backend (letters, digits, C(_), C(.), C(:), C(-)).
    type: str
    default: registry
  bind:
    description: Where clients connect, as C(HOST:PORT); an empty host is every address (C(:5000)).
    type: list
    elements: str
    required: true
  servers:
    description: The registry nodes.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: The node's name in HAProxy's logs; unique.
        type: str
        required: true
      address:
        description: The node's registry as C(HOST:PORT).
        type: str
        required: true
  check_path:
    description: Path each node is checked on.
    type: str
    default: /v2/
  check_status_codes:
    description: Status codes of a healthy node (100-599). Distribution answers C(/v2/) with 401 when authentication is on.
    type: list
    elements: int
    default: [200, 401]
  check_interval:
    description: Milliseconds between checks of a node (10-60000), also the time a check may take.
    type: int
    default: 250
  check_fall:
    description: Failed checks before a node leaves the rotation (1-100).
    type: int
    default: 2
  check_rise:
    description: Good checks before a node comes back (1-100).
    type: int
    default: 2
  connect_timeout:
    description: Milliseconds a connection to a node may take before the request goes to another node (10-60000).
    type: int
    default: 500
  client_timeout:
    description: Seconds a client may stay silent in a request or upload (1-86400).
    type: int
    default: 1200
  server_timeout:
    description: Seconds a node may stay silent in a response or download (1-86400).
    type: int
    default: 1200
  retries:
    description: Connection attempts after the first that failed (0-10); the last goes to another node.
    type: int
    default: 2
notes:
  - The module never starts, restarts or reloads HAProxy. Reload it when RV(reload_required) is true.
seealso:
  - name: HAProxy configuration manual
    description: Every keyword the module writes.
    link: https://docs.haproxy.org/2.6/configuration.html
"""

EXAMPLES = r"""
- name: Balance the registry on port 5000 over two nodes whose registries listen on 5001
  anchorage.registry.haproxy_config:
    bind: [":5000"]
    servers:
      - {name: reg1, address: "10.0.0.11:5001"}
      - {name: reg2, address: "10.0.0.12:5001"}
    mode: "0644"
  register: haproxy_cfg
"""

RETURN = r"""
restart_required:
  description: Always false; HAProxy reads a changed file on reload.
  returned: always
  type: bool
reload_required:
  description: Whether HAProxy must be reloaded to apply the new content.
  returned: always
  type: bool
config_test:
  description:
    - C(passed) when C(haproxy -c) accepted new content, C(unchanged) when the content was already live,
      C(skipped) in check mode when HAProxy is missing, C(disabled) when O(validate=false).
  returned: always
  type: str
  sample: passed
backup_file:
  description: The copy of the previous file, when O(backup=true) and the content changed.
  returned: changed and backup requested
  type: str
"""

from ansible_collections.anchorage.registry.plugins.module_utils._config_file import file_options, run
from ansible_collections.anchorage.registry.plugins.module_utils._haproxy import HaproxyConfig


def main():
    run(HaproxyConfig(), file_options(
        path=dict(type="path", default="/etc/haproxy/haproxy.cfg"),
        validate=True,
        name=dict(type="str", default="registry"),
        bind=dict(type="list", elements="str", required=True),
        servers=dict(type="list", elements="dict", required=True, options=dict(
            name=dict(type="str", required=True),
            address=dict(type="str", required=True),
        )),
        check_path=dict(type="str", default="/v2/"),
        check_status_codes=dict(type="list", elements="int", default=[200, 401]),
        check_interval=dict(type="int", default=250),
        check_fall=dict(type="int", default=2),
        check_rise=dict(type="int", default=2),
        connect_timeout=dict(type="int", default=500),
        client_timeout=dict(type="int", default=1200),
        server_timeout=dict(type="int", default=1200),
        retries=dict(type="int", default=2),
    ), add_file_common_args=True, supports_check_mode=True)


if __name__ == "__main__":
    main()
