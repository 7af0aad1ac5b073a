#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: bundle_install
short_description: Install Debian packages from an offline bundle's package files, fetching nothing
version_added: 0.1.0
description:
  - Installs the packages of O(names) that the host lacks, with the dependencies it lacks, from a copy of one
    architecture's package directory of an offline bundle (C(packages/<architecture>/), written by
    M(anchorage.registry.bundle_manifest)) on the host, with its C(Packages) index and the C(.deb) files apt needs.
  - The index's sha256 is checked against O(sha256) (from the bundle's manifest) first, and each package file's
    against the index before apt reads any; a mismatch or a missing file fails the module naming the file, and
    nothing is installed.
  - apt reads O(repository) alone, with its own sources list, package lists and cache in a temp directory, against
    the host's real package database; the host's configured mirrors are not read or contacted. The temp directory
    is removed afterwards, and so are the package files apt needed (the index stays, for the next run).
  - In check mode, apt only simulates the installation, and RV(debs) says which package files it needs, so that they,
    and only they, can be copied to O(repository) before the real run (the C(anchorage.registry.bundle) role's
    C(install) entry point sends them in one archive).
  - When every package of O(names) is installed already, nothing is read and nothing changes.
extends_documentation_fragment:
  - anchorage.registry.attributes
attributes:
  check_mode:
    details: Checks the index's sha256 and reports RV(missing) and RV(debs); installs and removes nothing.
  diff_mode:
    support: none
  safe_file_operations:
    support: N/A
    details: dpkg installs the packages.
options:
  repository:
    description:
      - The directory on the host with the bundle's C(Packages) index for the host's architecture and the package files
        apt needs (RV(debs) of a check mode run).
    type: path
    required: true
  sha256:
    description: The index's sha256, as the bundle's manifest gives it.
    type: str
    required: true
  names:
    description: The packages that must be installed.
    type: list
    elements: str
    required: true
  label:
    description:
      - How error messages name the directory, for example V(anchorage_bundle packages/amd64) (an error then names
        V(anchorage_bundle packages/amd64/Packages)). Default O(repository).
    type: str
requirements:
  - apt-get and dpkg-query (Debian and its derivatives)
author:
  - anchorage.registry contributors (@anchorage-registry)
"""

EXAMPLES = r"""
# /var/cache/anchorage-bundle holds a copy of the bundle's packages/amd64/Packages.
- name: Find the package files Docker and keepalived need on this host
  anchorage.registry.bundle_install:
    repository: /var/cache/anchorage-bundle
    sha256: "{{ (lookup('ansible.builtin.file', '/srv/anchorage-bundle/manifest.json') | from_json).packages.amd64.sha256 }}"
    names: [docker.io, keepalived]
  check_mode: true
  changed_when: false
  register: plan

# One transfer: a tar of them, made on the controller.
- name: Put them into one archive on the controller
  ansible.builtin.command:
    argv: "{{ ['tar', '-c', '-f', '/tmp/debs.tar', '-C', '/srv/anchorage-bundle/packages/amd64'] + plan.debs | map(attribute='file') | list }}"
  delegate_to: localhost
  changed_when: false

- name: Unpack it on the host
  ansible.builtin.unarchive:
    src: /tmp/debs.tar
    dest: /var/cache/anchorage-bundle
    mode: "0644"

- name: Install Docker and keepalived from them
  anchorage.registry.bundle_install:
    repository: /var/cache/anchorage-bundle
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
debs:
  description: The package files apt needs (or needed) to install RV(missing) on this host, in apt's order.
  returned: always
  type: list
  elements: dict
  contains:
    package:
      description: The package's name.
      type: str
    version:
      description: Its version.
      type: str
    architecture:
      description: Its architecture.
      type: str
    file:
      description: The file's name in the bundle's package directory and in O(repository).
      type: str
    sha256:
      description: The file's sha256, from the index.
      type: str
    size:
      description: The file's size in bytes.
      type: int
  sample:
    - {package: keepalived, version: "1:2.2.7-1+b2", architecture: amd64, file: "keepalived_1%3a2.2.7-1+b2_amd64.deb",
       sha256: 3f1c..., size: 536472}
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
            repository=dict(type="path", required=True),
            sha256=dict(type="str", required=True),
            names=dict(type="list", elements="str", required=True),
            label=dict(type="str"),
        ),
        supports_check_mode=True,
    )
    module.exit_json(**run_install(module))


if __name__ == "__main__":
    main()
