# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: zot_cluster
short_description: zot's scale-out cluster section for the zot role's StatefulSet, with a stand-in hash key
version_added: 0.1.0
description:
  - >-
    Returns C(members), C(<name>-<i>.<name>-headless.<namespace>.svc.<cluster_domain>:<port>) for each of the
    spec's C(replicas) (the headless Service gives each StatefulSet pod that stable name), and C(hashKey), a
    stand-in of the right length (sixteen zeros).
  - >-
    The real hash key is a secret and never passes through a module's options or results: the
    P(anchorage.registry.zot_manifests#filter) filter writes it (C(cluster_hash_key)) into the copy of config.json
    the Secret holds.
  - The spec is the one of the P(anchorage.registry.zot_manifests#filter) filter (the role's variables without C(zot_)).
author:
  - anchorage.registry contributors (@anchorage-registry)
options:
  _input:
    description: The deployment spec (C(name), C(namespace), C(replicas), C(cluster_domain)).
    type: dict
    required: true
  http:
    description: zot's C(http) section (its C(port), default C(5000)).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: The cluster section for three replicas
  ansible.builtin.debug:
    msg: "{{ {'name': 'zot', 'namespace': 'zot', 'replicas': 3} | anchorage.registry.zot_cluster({'port': '5000'}) }}"
"""

RETURN = r"""
_value:
  description: C(members) (C(host:port) each) and C(hashKey) (the stand-in).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.anchorage.registry.plugins.filter.zot_manifests import role_settings
from ansible_collections.anchorage.registry.plugins.module_utils._manifests import (
    HASH_KEY_STAND_IN, cluster_members, with_defaults)


def zot_cluster(spec, http):
    if not isinstance(spec, dict) or not isinstance(http, dict):
        raise AnsibleFilterError("zot_cluster: the spec and the http section must be mappings")
    return {"members": cluster_members(with_defaults(spec, role_settings()), {"http": http}), "hashKey": HASH_KEY_STAND_IN}


class FilterModule(object):
    def filters(self):
        return {"zot_cluster": zot_cluster}
