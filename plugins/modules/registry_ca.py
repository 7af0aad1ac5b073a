#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: registry_ca
short_description: Install registry CA certificates where container runtimes and the system look for them
version_added: 0.1.0
description:
  - Writes each registry's CA certificate to every destination in one go, after checking that it is PEM and holds a
    certificate (a private key or anything else fails, before anything is written).
  - A C(certs.d) destination gets C(<path>/<host[:port]>/ca.crt) (and C(client.cert) and C(client.key) with a client
    certificate), the layout Docker reads in C(/etc/docker/certs.d)
    and that containerd C(hosts.toml) and k3s C(registries.yaml) can point at.
  - A C(flat) destination gets C(<path>/<host_port>.crt), the layout of a system trust store directory such as
    C(/usr/local/share/ca-certificates/anchorage-registry) (run C(update-ca-certificates --fresh) after a change;
    RV(changed_destinations) says whether one is needed).
  - O(certificates) is the complete set. Each directory the module creates carries a C(.anchorage-managed) marker
    listing the files it wrote; certificates of registries no longer listed are removed, and so are their
    directories when nothing else is left in them. Directories without the marker are never touched; listing a host
    whose directory was made by someone else fails before anything is written.
author:
  - anchorage.registry contributors (@anchorage-registry)
extends_documentation_fragment:
  - anchorage.registry.attributes
  - anchorage.registry.config_file
options:
  certificates:
    description: The registries' CA certificates.
    type: list
    elements: dict
    default: []
    suboptions:
      host:
        description: The registry as clients name it, C(host[:port]) (the port is part of Docker's directory name).
        type: str
        required: true
      pem:
        description: The CA certificate (or chain of CA certificates) in PEM form; omit it for a registry whose CA the
          system already trusts.
        type: str
      client_cert:
        description:
          - A client certificate (PEM) for registries that require one (mTLS); written as C(client.cert) next to
            C(ca.crt) in C(certs.d) destinations, where Docker reads it, and not to C(flat) ones.
        type: str
      client_key:
        description:
          - The private key of O(certificates[].client_cert) (PEM), written as C(client.key) with mode C(0600); masked in
            the output, the diff and the node's log.
        type: str
  destinations:
    description: Where the certificates go.
    type: list
    elements: dict
    required: true
    suboptions:
      path:
        description: The directory the certificates go under.
        type: path
        required: true
      layout:
        description: One directory per registry (C(certs.d)) or one file per registry (C(flat)).
        type: str
        choices: [certs.d, flat]
        default: certs.d
      state:
        description: C(absent) takes out every certificate this module put under O(destinations[].path).
        type: str
        choices: [present, absent]
        default: present
seealso:
  - module: anchorage.registry.docker_daemon_config
  - module: anchorage.registry.containerd_hosts
"""

EXAMPLES = r"""
- name: Let Docker trust our registry's CA, and the system store too
  anchorage.registry.registry_ca:
    certificates:
      - host: registry.example:5000
        pem: "{{ lookup('ansible.builtin.file', 'files/registry-ca.pem') }}"
    destinations:
      - path: /etc/docker/certs.d
      - path: /usr/local/share/ca-certificates/anchorage-registry
        layout: flat
  register: registry_ca

- name: Rebuild the system store
  ansible.builtin.command: update-ca-certificates --fresh
  when: "'/usr/local/share/ca-certificates/anchorage-registry' in registry_ca.changed_destinations"
  changed_when: true
"""

RETURN = r"""
reload_required:
  description: Always false; runtimes read a registry's CA when they connect.
  returned: always
  type: bool
restart_required:
  description: Always false; runtimes read a registry's CA when they connect.
  returned: always
  type: bool
paths:
  description: Per destination, where each host's certificate is.
  returned: always
  type: dict
  sample: {"/etc/docker/certs.d": {"registry.example:5000": "/etc/docker/certs.d/registry.example:5000/ca.crt"}}
changed_destinations:
  description: The destinations where something was (or, in check mode, would be) written or removed.
  returned: always
  type: list
  elements: str
written:
  description: The certificate files this module keeps.
  returned: always
  type: list
  elements: str
removed:
  description: Files and directories removed because their registry left O(certificates).
  returned: always
  type: list
  elements: str
"""

from ansible_collections.anchorage.registry.plugins.module_utils._ca_certificates import CACertificates
from ansible_collections.anchorage.registry.plugins.module_utils._config_file import run


def main():
    run(CACertificates(), dict(
        certificates=dict(
            type="list",
            elements="dict",
            default=[],
            options=dict(
                host=dict(type="str", required=True),
                pem=dict(type="str"),
                client_cert=dict(type="str"),
                client_key=dict(type="str", no_log=True),
            ),
        ),
        destinations=dict(
            type="list",
            elements="dict",
            required=True,
            options=dict(
                path=dict(type="path", required=True),
                layout=dict(type="str", choices=["certs.d", "flat"], default="certs.d"),
                state=dict(type="str", choices=["present", "absent"], default="present"),
            ),
        ),
    ), supports_check_mode=True)


if __name__ == "__main__":
    main()
