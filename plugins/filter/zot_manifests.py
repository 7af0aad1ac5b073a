# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: zot_manifests
short_description: Render zot's Kubernetes manifests from its checked config.json and a deployment spec
version_added: 0.1.0
description:
  - Returns the Namespace, Secret (htpasswd, sync credentials, S3 keys), ConfigMap (config.json),
    PersistentVolumeClaim, Deployment, Service and optional Ingress for one zot deployment, and the
    label selector that owns them (for M(anchorage.registry.manifest_apply)'s prune).
  - Files the config names (C(http.auth.htpasswd.path), C(extensions.sync.credentialsFile),
    C(http.tls)) are mounted at exactly those paths; the spec must provide each of them.
  - Fails, rendering nothing, when the spec is wrong, for example a NodePort outside 30000-32767,
    several replicas without cloud storage and a remote cache, a file the config names that nothing mounts,
    or S3 credentials without an s3 storage driver. Each message starts with the role variable (C(zot_replicas))
    or the config key it is about.
  - With C(cluster), a StatefulSet and a headless Service; C(cluster_hash_key) replaces the stand-in hash key
    (C(0000000000000000)) the config was checked with, in the Secret that then holds config.json.
  - The zot role calls it. The spec's keys are that role's variables without the C(zot_) prefix, with the same
    defaults and choices (read from the role's C(meta/argument_specs.yml)); keys the spec leaves out take those defaults.
author:
  - anchorage.registry contributors (@anchorage-registry)
positional: spec
options:
  _input:
    description: zot's config.json text, as M(anchorage.registry.zot_config) returns it in RV(anchorage.registry.zot_config#module:json).
    type: str
    required: true
  spec:
    description: The deployment spec (name, namespace, image, service, persistence, ingress, credentials...).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Render the manifests
  ansible.builtin.set_fact:
    rendered: "{{ zot.json | anchorage.registry.zot_manifests({'name': 'zot', 'namespace': 'zot-registry', 'node_port': 30500}) }}"
"""

RETURN = r"""
_value:
  description: C(manifests) (a list of Kubernetes objects) and C(prune_selector) (a label selector string).
  type: dict
"""

import os
import re

import yaml

from ansible.errors import AnsibleFilterError

from ansible_collections.anchorage.registry.plugins.module_utils._manifests import (
    ROLE_PREFIX, prune_selector, spec_settings, with_defaults)
from ansible_collections.anchorage.registry.plugins.module_utils._manifests import zot_manifests as render

# The one declaration of the spec's keys, defaults and choices: the zot role's options.
ARGUMENT_SPECS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "roles", "zot", "meta", "argument_specs.yml")


def role_settings():
    """The zot role's options without their prefix (read on each call: the result is mutable)."""
    with open(ARGUMENT_SPECS, encoding="utf-8") as handle:
        return spec_settings(yaml.safe_load(handle))


def role_variable(error, settings):
    """``error`` with the role's prefix on the spec key it starts with (``replicas:`` -> ``zot_replicas:``)."""
    key = re.split(r"[.:,\[ /]", error, 1)[0]
    return ROLE_PREFIX + error if key in settings else error


def zot_manifests(config_json, spec):
    if not isinstance(spec, dict):
        raise AnsibleFilterError("zot_manifests: the spec must be a mapping")
    settings = role_settings()
    manifests, errors = render(str(config_json), spec, settings)
    if errors:
        raise AnsibleFilterError("zot deployment: %s" % "; ".join(role_variable(error, settings) for error in errors))
    return {"manifests": manifests, "prune_selector": prune_selector(with_defaults(spec, settings))}


class FilterModule(object):
    def filters(self):
        return {"zot_manifests": zot_manifests}
