#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: bundle_manifest
short_description: Write an offline bundle's package repositories and its manifest of versions and checksums
version_added: 0.1.0
description:
  - Runs on the connected machine that builds an offline bundle (the C(anchorage.registry.bundle) role and playbook).
  - For each architecture, makes C(packages/<architecture>/) a flat apt repository of the downloaded C(.deb) files,
    each file copied in unless the same bytes are there, files of packages no longer downloaded removed, and a
    C(Packages) index, the same bytes for the same packages (names sorted), so that an unchanged set of packages
    leaves the directory as it was. Hosts receive the index and only the package files they need.
  - Writes C(manifest.json) last, listing every package (name, version, architecture, sha256), every image
    archive, every other file (O(files)) and the sha256 and size of each file of the bundle. Hosts check a file
    against it before they use it.
extends_documentation_fragment:
  - anchorage.registry.attributes
attributes:
  diff_mode:
    details: The diff is the manifest's.
  safe_file_operations:
    details: Each package file and index is written to a temp file beside it and renamed; the manifest through the collection's atomic write.
options:
  path:
    description: The bundle's directory.
    type: path
    required: true
  packages:
    description: The packages asked for; each architecture's directory holds them and everything they depend on.
    type: list
    elements: str
    required: true
  directories:
    description:
      - For each architecture (Debian's name, V(amd64) or V(arm64)), the directory its C(.deb) files were downloaded
        to (apt's naming, C(name_version_arch.deb)).
    type: dict
    required: true
  images:
    description: The image archives in the bundle (their checksums are read from the files).
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: A short name the roles and playbooks refer to the image by, for example V(registry).
        type: str
        required: true
      file:
        description: The archive's path inside the bundle. Default C(images/<name>.tar).
        type: str
      format:
        description: C(docker-archive) (C(docker load), the images module) or C(oci-archive) (C(ctr import), k3s).
        type: str
        choices: [docker-archive, oci-archive]
        default: docker-archive
      reference:
        description: The image's name and tag inside the archive.
        type: str
        required: true
      source:
        description: Where the archive was copied from.
        type: str
        required: true
  files:
    description:
      - Other files in the bundle that roles use, for example Harbor's offline installer (their checksums are read from the
        files).
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: A short name the roles refer to the file by, for example V(harbor-installer).
        type: str
        required: true
      file:
        description:
          - The file's path inside the bundle. Default C(files/<the last component of source>), for example
            C(files/harbor-offline-installer-v2.16.0.tgz).
        type: str
      source:
        description: Where the file was copied or downloaded from (a path or a URL).
        type: str
        required: true
author:
  - anchorage.registry contributors (@anchorage-registry)
"""

EXAMPLES = r"""
- name: Write the package directories and the manifest
  anchorage.registry.bundle_manifest:
    path: /srv/anchorage-bundle
    packages: [docker.io, keepalived, skopeo]
    directories:
      amd64: /srv/anchorage-bundle.cache/amd64/cache/archives
      arm64: /srv/anchorage-bundle.cache/arm64/cache/archives
    images:
      - name: registry
        reference: docker.io/library/registry:2.8.3
        source: docker://docker.io/library/registry:2.8.3
"""

RETURN = r"""
manifest:
  description: The manifest written to C(manifest.json).
  returned: success
  type: dict
  sample:
    format: 1
    packages:
      amd64:
        file: packages/amd64/Packages
        sha256: 4f2c...
        size: 144210
        requested: [docker.io]
        debs:
          - {package: docker.io, version: 20.10.24+dfsg1-1+deb12u1+b6, architecture: amd64,
             file: docker.io_20.10.24+dfsg1-1+deb12u1+b6_amd64.deb, sha256: 9a1e..., size: 30100000}
    images:
      - {name: registry, file: images/registry.tar, format: docker-archive, reference: docker.io/library/registry:2.8.3,
         source: docker://docker.io/library/registry:2.8.3, sha256: 1c2d..., size: 25000000}
      - {name: zot, file: images/zot.tar, format: oci-archive, reference: ghcr.io/project-zot/zot:v2.1.20,
         source: docker://ghcr.io/project-zot/zot:v2.1.20, sha256: 7e3f..., size: 110000000}
    files:
      - {name: harbor-installer, file: files/harbor-offline-installer-v2.16.0.tgz, sha256: 5b1a..., size: 680000000,
         source: https://github.com/goharbor/harbor/releases/download/v2.16.0/harbor-offline-installer-v2.16.0.tgz}
packages_rebuilt:
  description: The architectures whose package directory was (or would be) changed.
  returned: success
  type: list
  elements: str
  sample: [amd64]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.anchorage.registry.plugins.module_utils._bundle import run_manifest


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path", required=True),
            packages=dict(type="list", elements="str", required=True),
            directories=dict(type="dict", required=True),
            images=dict(type="list", elements="dict", default=[], options=dict(
                name=dict(type="str", required=True),
                file=dict(type="str"),
                format=dict(type="str", default="docker-archive", choices=["docker-archive", "oci-archive"]),
                reference=dict(type="str", required=True),
                source=dict(type="str", required=True),
            )),
            files=dict(type="list", elements="dict", default=[], options=dict(
                name=dict(type="str", required=True),
                file=dict(type="str"),
                source=dict(type="str", required=True),
            )),
        ),
        supports_check_mode=True,
    )
    module.exit_json(**run_manifest(module))


if __name__ == "__main__":
    main()
