#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: bundle_install
short_description: Install Debian packages from an offline bundle's package archive, fetching nothing
version_added: 0.1.0
description:
  - Installs the packages of O(names) that the host lacks from one package archive of an offline bundle
    (C(packages/<architecture>.tar), written by M(anchorage.registry.bundle_manifest)), with their dependencies.
  - The archive's sha256 is checked against O(sha256) (from the bundle's manifest) first; a mismatch fails the
    module naming the archive, and nothing is installed.
  - apt reads the archive alone, unpacked into a temp directory with its own sources list, package lists and cache,
    against the host's real package database; the host's configured mirrors are not read or contacted. The temp
    directory is removed afterwards.
  - When every package of O(names) is installed already, the archive is not read and nothing changes.
extends_documentation_fragment:
  - anchorage.registry.attributes
attributes:
  check_mode:
    details: Checks the archive's sha256 and reports RV(missing); installs nothing.
  diff_mode:
    support: none
  safe_file_operations:
    support: N/A
    details: dpkg installs the packages.
options:
  archive:
    description: The package archive on the host.
    type: path
    required: true
  sha256:
    description: The archive's sha256, as the bundle's manifest gives it.
    type: str
    required: true
  names:
    description: The packages that must be installed.
    type: list
    elements: str
    required: true
  label:
    description: How error messages name the archive, for example V(anchorage_bundle packages/amd64.tar). Default O(archive).
    type: str
requirements:
  - apt-get and dpkg-query (Debian and its derivatives)
author:
  - anchorage.registry contributors (@anchorage-registry)
"""

EXAMPLES = r"""
- name: Install Docker and keepalived from the bundle
  anchorage.registry.bundle_install:
    archive: /var/cache/anchorage-bundle-packages-amd64.tar
    sha256: "{{ (lookup('ansible.builtin.file', '/srv/anchorage-bundle/manifest.json') | from_json).packages.amd64.sha256 }}"
    names: [docker.io, keepalived]
"""

RETURN = r"""
missing:
  description: The packages of O(names) that were not installed when the module started.
  returned: always
  type: list
  elements: str
  sample: [keepalived]
installed:
  description: The packages installed (empty in check mode).
  returned: always
  type: list
  elements: str
  sample: [keepalived]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.anchorage.registry.plugins.module_utils._bundle import run_install


def main():
    module = AnsibleModule(
        argument_spec=dict(
            archive=dict(type="path", required=True),
            sha256=dict(type="str", required=True),
            names=dict(type="list", elements="str", required=True),
            label=dict(type="str"),
        ),
        supports_check_mode=True,
    )
    module.exit_json(**run_install(module))


if __name__ == "__main__":
    main()
