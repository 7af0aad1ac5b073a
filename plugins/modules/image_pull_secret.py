#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: image_pull_secret
short_description: kubernetes.io/dockerconfigjson Secrets for pulling from private registries, in chosen namespaces
version_added: 0.1.0
description:
  - Creates or updates, in each of O(namespaces), the Secret O(name) of type C(kubernetes.io/dockerconfigjson) with
    the credentials of O(registries), as C(kubectl create secret docker-registry) does, by server-side apply.
  - The same credentials give the same Secret byte for byte, so a second run changes nothing.
  - With O(service_account), adds O(name) to that ServiceAccount's C(imagePullSecrets) in each namespace (the
    entries already there are kept), so its pods pull with it without naming it.
  - Passwords and the Secret's data never appear in the output, the diff or the target's log.
  - Check mode is a server-side dry run for the Secrets; the ServiceAccounts are only read.
  - Connects like M(kubernetes.core.k8s), with the same options and C(K8S_AUTH_*) environment variables.
author:
  - anchorage.registry contributors (@anchorage-registry)
requirements:
  - kubernetes (the official Python client)
extends_documentation_fragment:
  - anchorage.registry.attributes
  - anchorage.registry.k8s_auth
attributes:
  check_mode:
    details: A server-side dry run of the Secrets; the API server must be reachable.
  diff_mode:
    details: The Secrets' values are masked.
  safe_file_operations:
    support: N/A
    details: Writes no files; the API server stores the objects.
  action_group:
    description: Use C(group/anchorage.registry.k8s) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - anchorage.registry.k8s
options:
  name:
    description: Name of the Secret in each namespace.
    type: str
    required: true
  namespaces:
    description: The namespaces to create it in (they must exist).
    type: list
    elements: str
    required: true
  registries:
    description: The registries and their credentials; one Secret holds them all.
    type: list
    elements: dict
    required: true
    suboptions:
      server:
        description:
          - The registry, C(host[:port]) or a URL (its host and port are kept); C(docker.io) is written as
            Docker Hub's C(https://index.docker.io/v1/).
        type: str
        required: true
      username:
        description: User name.
        type: str
        required: true
      password:
        description: Password or token (never logged).
        type: str
        required: true
      email:
        description: E-mail address (only old clients read it).
        type: str
  service_account:
    description: Add the Secret to this ServiceAccount's C(imagePullSecrets) in each namespace, for example C(default).
    type: str
notes:
  - Tested against a mock API server (kmock) with the real kubernetes client, not against a live cluster.
seealso:
  - module: anchorage.registry.manifest_apply
"""

EXAMPLES = r"""
- name: Let the default ServiceAccount of two namespaces pull from the private registry
  anchorage.registry.image_pull_secret:
    name: registry-pull
    namespaces: [apps, batch]
    registries:
      - server: registry.example.com:5000
        username: puller
        password: "{{ vault_registry_puller_password }}"
    service_account: default
"""

RETURN = r"""
results:
  description: One entry per Secret, with its action (C(created), C(updated), C(unchanged)).
  returned: always
  type: list
  elements: dict
  sample:
    - {apiVersion: v1, kind: Secret, namespace: apps, name: registry-pull, action: created}
attached:
  description: The ServiceAccounts (C(namespace/name)) the Secret was added to (or would be, in check mode).
  returned: always
  type: list
  elements: str
  sample: [apps/default]
"""

from ansible_collections.anchorage.registry.plugins.module_utils._k8s_auth import K8S_AUTH_SPEC
from ansible_collections.anchorage.registry.plugins.module_utils._module import SecretMaskingModule
from ansible_collections.anchorage.registry.plugins.module_utils._pull_secrets import run, secret_values


def main():
    module = SecretMaskingModule(
        secret_values,
        argument_spec=dict(
            K8S_AUTH_SPEC,
            name=dict(type="str", required=True),
            namespaces=dict(type="list", elements="str", required=True),
            registries=dict(type="list", elements="dict", required=True, options=dict(
                server=dict(type="str", required=True),
                username=dict(type="str", required=True),
                password=dict(type="str", required=True, no_log=True),
                email=dict(type="str"),
            )),
            service_account=dict(type="str"),
        ),
        supports_check_mode=True,
    )
    module.exit_json(**run(module))


if __name__ == "__main__":
    main()
