#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: k3s_registries
short_description: Merge private registry mirrors and configs into k3s or RKE2 registries.yaml
version_added: 0.1.0
description:
  - Writes C(mirrors) and C(configs) entries into k3s's or RKE2's C(registries.yaml), checking every key
    against the Go types k3s reads the file into (rancher/wharfie C(Mirror), C(AuthConfig), C(TLSConfig)).
    k3s ignores unknown keys silently; this module rejects them, naming the key path (for example
    C(configs.reg.example:5000.auth.token), a key k3s does not have).
  - The file is shared, not wholly owned. The module records the C(mirrors) and C(configs) keys it added in
    C(.registries.yaml.anchorage-owned.json) next to the file. Keys it added and that are no longer passed are
    removed; keys written by anyone else are kept. A key that someone else set to a different value is
    replaced (with a warning) and owned from then on. A C(mirrors) or C(configs) section the module added
    goes with its last key (one the file had before stays, even empty).
  - The file is rewritten only when its content changes (comments in it are not kept when it is).
    k3s reads it at start only, so RV(restart_required) says when the k3s or RKE2 service must be restarted.
  - An existing file that is not a YAML mapping makes the module fail without writing anything.
author:
  - anchorage.registry contributors (@anchorage-registry)
extends_documentation_fragment:
  - anchorage.registry.attributes
  - anchorage.registry.config_file
  - anchorage.registry.config_file.FILE
  - ansible.builtin.files
requirements:
  - PyYAML on the managed node
options:
  path:
    description:
      - The registries file. RKE2 reads C(/etc/rancher/rke2/registries.yaml).
    type: path
    default: /etc/rancher/k3s/registries.yaml
  mirrors:
    description:
      - Map of upstream registry (C(docker.io), C(registry.k8s.io), C(*) for every registry without an entry)
        to its k3s mirror settings.
      - Each value takes C(endpoint) (list of URLs; C(http://) is the only way to get plain HTTP, a path other
        than C(/v2) makes k3s use it as the API root) and C(rewrite) (map of Go regular expression to
        replacement, applied to the repository).
    type: dict
    default: {}
  configs:
    description:
      - Map of endpoint host (C(host[:port]) as it appears in a mirror endpoint, not the upstream name) to
        C(auth) (C(username)/C(password), C(auth), C(identity_token)) and C(tls) (C(ca_file), C(cert_file),
        C(key_file), C(insecure_skip_verify)).
      - Credentials here (C(auth.password), C(auth.auth), C(auth.identity_token)) are masked in the module's
        output and diff and in the log the node writes of each module call; the rest (user names, TLS file
        paths) stays readable there. Credentials already in the file are masked too.
    type: dict
    default: {}
  backup:
    description:
      - Keep a timestamped copy of the previous file when it changes.
    type: bool
    default: false
notes:
  - The file holds registry passwords; a new file is created with mode C(0600) unless O(mode) is given.
  - No k3s binary was run in this collection's tests; the schema comes from k3s's and wharfie's source.
seealso:
  - name: k3s private registry configuration
    description: What each key of registries.yaml does.
    link: https://docs.k3s.io/installation/private-registry
"""

EXAMPLES = r"""
- name: Mirror Docker Hub through our registry and trust its CA
  anchorage.registry.k3s_registries:
    mode: "0600"
    mirrors:
      docker.io:
        endpoint:
          - https://registry.example:5000
      registry.example:5000:
        endpoint:
          - https://registry.example:5000
    configs:
      registry.example:5000:
        auth:
          username: robot
          password: "{{ vault_registry_password }}"
        tls:
          ca_file: /etc/anchorage/registry-ca/registry.example:5000/ca.crt
  register: k3s_registries

- name: Restart k3s when the file changed
  ansible.builtin.systemd_service:
    name: k3s
    state: restarted
  when: k3s_registries.restart_required
"""

RETURN = r"""
reload_required:
  description: Always false; k3s and RKE2 read registries.yaml at start only.
  returned: always
  type: bool
restart_required:
  description: The file's content changed; k3s or RKE2 must be restarted to read it.
  returned: always
  type: bool
owned:
  description: The keys this module now owns, per section, and in C(sections) the sections it added to the file.
  returned: always
  type: dict
  sample: {"mirrors": ["docker.io"], "configs": ["registry.example:5000"], "sections": ["configs"]}
taken_over:
  description: Keys another writer had set to a different value, now replaced and owned.
  returned: always
  type: list
  elements: str
backup_file:
  description: The copy of the previous file, when O(backup=true) and the file changed.
  returned: changed and backup requested
  type: str
"""

from ansible_collections.anchorage.registry.plugins.module_utils._config_file import file_options, run
from ansible_collections.anchorage.registry.plugins.module_utils._k3s import K3sRegistries


def main():
    run(K3sRegistries(), file_options(
        path=dict(type="path", default="/etc/rancher/k3s/registries.yaml"),
        mirrors=dict(type="dict", default={}),
        # Not no_log: the format masks its credentials before the invocation is logged, and the
        # rest (endpoints, TLS file paths) stays readable there.
        configs=dict(type="dict", default={}),
    ), add_file_common_args=True, supports_check_mode=True)


if __name__ == "__main__":
    main()
