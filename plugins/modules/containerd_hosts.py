#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: containerd_hosts
short_description: Write containerd registry host files (certs.d/<namespace>/hosts.toml)
version_added: 0.1.0
description:
  - Writes one C(hosts.toml) per registry namespace under a containerd C(config_path) directory, in
    containerd's format (docs/hosts.md) - C(server), then one C([host."<url>"]) table per mirror with
    C(capabilities), C(ca), C(client), C(skip_verify), C(override_path), C(dial_timeout) and C(header). The namespace C(_default) applies
    to every registry that has no directory of its own.
  - O(registries) is the complete set. Each directory the module creates carries a C(.anchorage-managed)
    marker listing the files it wrote; a marked directory whose namespace is no longer listed loses those
    files, and is removed when nothing else is left in it. A directory without the marker was made by
    someone else; listing its namespace fails, before anything is written.
  - containerd reads C(hosts.toml) on every pull, so no restart is needed (RV(restart_required) is always
    false). The CRI plugin only reads the directory when C(config_path) points at it
    (M(anchorage.registry.containerd_config)); C(ctr images pull --hosts-dir) reads it directly.
author:
  - anchorage.registry contributors (@anchorage-registry)
extends_documentation_fragment:
  - anchorage.registry.attributes
  - anchorage.registry.config_file
options:
  path:
    description: The C(config_path) directory.
    type: path
    default: /etc/containerd/certs.d
  registries:
    description:
      - One entry per registry namespace (directory).
      - A C(hosts.toml) with an O(registries[].hosts[].header) gets mode C(0600) (it may hold credentials); others
        C(0644).
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The namespace - a registry C(host[:port]) such as C(docker.io), or C(_default).
        type: str
        required: true
      server:
        description:
          - The upstream URL tried after every O(registries[].hosts) entry. Omitted, containerd uses the
            namespace itself (C(https://registry-1.docker.io) for C(docker.io)).
        type: str
      hosts:
        description:
          - The hosts to try, in this order, before the server. At least one; containerd 1.6 ignores a
            C(hosts.toml) without C([host]) tables, so list the registry itself here when it has no mirror.
        type: list
        elements: dict
        required: true
        suboptions:
          url:
            description: The mirror URL, C(http://) or C(https://), with a path when it is the API root.
            type: str
            required: true
          capabilities:
            description: What the mirror may be used for; C([pull, resolve]) for a private mirror.
            type: list
            elements: str
            choices: [pull, resolve, push]
          ca:
            description: CA certificate files (paths on the node) trusted for this mirror.
            type: list
            elements: str
          client:
            description:
              - Client certificates (paths on the node) this mirror asks for (mTLS), each a C([cert, key]) pair.
            type: list
            elements: list
          dial_timeout:
            description: How long containerd waits to connect to this mirror, a Go duration such as C(5s).
            type: str
          skip_verify:
            description: Skip TLS verification of this mirror.
            type: bool
          override_path:
            description:
              - The URL's path is the API root, as for a Harbor proxy-cache project (C(/v2/<project>)).
            type: bool
          header:
            description: HTTP headers sent to this mirror, such as C(authorization).
            type: dict
notes:
  - Header values are masked in the module's output. containerd reads credentials in C(hosts.toml) only
    as headers.
seealso:
  - module: anchorage.registry.containerd_config
  - name: containerd registry host configuration
    description: The hosts.toml format.
    link: https://github.com/containerd/containerd/blob/main/docs/hosts.md
"""

EXAMPLES = r"""
- name: Our registry, and Docker Hub through it
  anchorage.registry.containerd_hosts:
    registries:
      - name: registry.example:5000
        server: https://registry.example:5000
        hosts:
          - url: https://registry.example:5000
            ca:
              - /etc/anchorage/registry-ca/registry.example:5000/ca.crt
      - name: docker.io
        hosts:
          - url: https://registry.example:5000
            capabilities: [pull, resolve]
            ca:
              - /etc/anchorage/registry-ca/registry.example:5000/ca.crt
      - name: quay.io
        hosts:
          - url: https://harbor.example/v2/quay-proxy
            capabilities: [pull, resolve]
            override_path: true
"""

RETURN = r"""
reload_required:
  description: Always false; containerd reads hosts.toml on every pull.
  returned: always
  type: bool
restart_required:
  description: Always false; containerd reads hosts.toml on every pull.
  returned: always
  type: bool
written:
  description: The files this module keeps under O(path).
  returned: always
  type: list
  elements: str
removed:
  description: Files and directories removed because their namespace left O(registries).
  returned: always
  type: list
  elements: str
"""

from ansible_collections.anchorage.registry.plugins.module_utils._config_file import run
from ansible_collections.anchorage.registry.plugins.module_utils._containerd import ContainerdHosts


def main():
    host = dict(
        url=dict(type="str", required=True),
        capabilities=dict(type="list", elements="str", choices=["pull", "resolve", "push"]),
        ca=dict(type="list", elements="str"),
        client=dict(type="list", elements="list"),
        dial_timeout=dict(type="str"),
        skip_verify=dict(type="bool"),
        override_path=dict(type="bool"),
        header=dict(type="dict", no_log=True),
    )
    run(ContainerdHosts(), dict(
        path=dict(type="path", default="/etc/containerd/certs.d"),
        registries=dict(
            type="list",
            elements="dict",
            default=[],
            options=dict(
                name=dict(type="str", required=True),
                server=dict(type="str"),
                hosts=dict(type="list", elements="dict", required=True, options=host),
            ),
        ),
    ), supports_check_mode=True)


if __name__ == "__main__":
    main()
