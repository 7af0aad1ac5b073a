#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: registry_verify
short_description: Check a container registry end to end over the OCI Distribution API
version_added: 0.1.0
description:
  - Checks any registry (CNCF Distribution, zot, Harbor...) with nothing but HTTP from the host the
    module runs on; no docker, no registry client.
  - "Steps: C(GET /v2/) (authenticating on a 401 challenge, with Basic or with the Bearer token flow of
    the Distribution token specification); push of a small generated image (each blob checked with
    C(HEAD) first, then uploaded with C(POST) and C(PUT); then the manifest with C(PUT)); pull of the
    manifest and every blob; comparison of their sha256 digests and of the manifest's media type;
    optionally, the catalog and tags list (O(catalog)) and deletion of the manifest."
  - The generated image (one tar.gz layer, a config, a manifest) is byte for byte the same on
    every run, so pushing it again leaves the registry as it was. The module therefore never reports a
    change. O(manifest_format) chooses the media types, OCI or Docker schema 2 as C(docker push) sends them.
  - With O(cleanup), the test image is deleted again, its blobs unlinked from the repository too, so that
    the repository leaves the catalog (on S3, Azure and GCS storage). On filesystem storage Distribution
    keeps the empty directories and lists them; O(filesystem_root) removes them.
  - "Failures name the step and the HTTP status, for example C(push manifest: 401 UNAUTHORIZED authentication required)."
extends_documentation_fragment:
  - anchorage.registry.registry_api
  - anchorage.registry.attributes.INFO
attributes:
  check_mode:
    details: Pings, pulls and lists only. When the image was never pushed, the result says so and does not fail.
options:
  repository:
    description: The repository the test image is pushed to (Harbor needs an existing project as its first part).
    type: str
    default: anchorage/verify
  tag:
    description: The tag of the test image.
    type: str
    default: latest
  push:
    description: Push the test image. With V(false) only ping and pull; the image must already be there.
    type: bool
    default: true
  manifest_format:
    description:
      - The media types of the test image. V(oci) (C(application/vnd.oci.image.manifest.v1+json), its config and
        C(tar+gzip) layer types), or V(docker), Docker's schema 2 as C(docker push) sends it
        (C(application/vnd.docker.distribution.manifest.v2+json), config C(application/vnd.docker.container.image.v1+json),
        layer C(application/vnd.docker.image.rootfs.diff.tar.gzip)); the config and layer bytes are the same.
      - The manifest must come back with the media type it was pushed with (C(Content-Type)), else it is a mismatch.
      - "A registry refusing the format fails the push, quoting its error: zot without C(docker2s2) in C(http.compat)
        answers V(docker) with C(415 MANIFEST_INVALID)."
    type: str
    choices: [oci, docker]
    default: oci
  catalog:
    description:
      - After the pull, list C(GET /v2/_catalog) and C(GET /v2/<repository>/tags/list) (following their C(Link)
        pages, 100 at most) and fail unless they name O(repository) and O(tag).
      - Registries that keep the catalog for administrators (Harbor) refuse other users.
    type: bool
    default: false
  cleanup:
    description:
      - Delete the pushed manifest afterwards, then unlink its blobs from O(repository). Registries with deletes
        disabled answer C(405) or C(UNSUPPORTED); that is reported in RV(cleanup), not a failure.
    type: bool
    default: false
  filesystem_root:
    description:
      - The registry's filesystem storage root as the host the module runs on sees it (the directory that holds
        C(docker/registry/v2)). After O(cleanup), the repository's directory is removed there when no file is left
        in it. Only the removal of the verification's own empty directories happens here, so the module still
        reports no change.
    type: path
  require_auth:
    description: Fail unless C(GET /v2/) without credentials is refused with C(401).
    type: bool
    default: false
author:
  - anchorage.registry contributors (@anchorage-registry)
"""

EXAMPLES = r"""
- name: Check the registry just deployed
  anchorage.registry.registry_verify:
    url: https://registry.example.com:5000
    username: admin
    password: "{{ registry_admin_password }}"
    ca_path: /etc/anchorage/ca.crt

- name: Check a Harbor project, then delete the test manifest
  anchorage.registry.registry_verify:
    url: https://harbor.example.com
    repository: library/anchorage-verify
    username: admin
    password: "{{ harbor_admin_password }}"
    cleanup: true

- name: Push and pull a Docker-format image (zot needs docker2s2 in http.compat), then check the catalog and tags
  anchorage.registry.registry_verify:
    url: https://zot.example.com
    manifest_format: docker
    catalog: true

- name: Share connection settings with module_defaults
  module_defaults:
    group/anchorage.registry.registry_api:
      url: http://10.0.0.5:5000
      validate_certs: false
  block:
    - name: Pull-only check of an image pushed earlier
      anchorage.registry.registry_verify:
        push: false

- name: Check a registry that must refuse anonymous users, and leave nothing behind on its filesystem storage
  anchorage.registry.registry_verify:
    url: http://127.0.0.1:5000
    username: admin
    password: "{{ registry_admin_password }}"
    require_auth: true
    cleanup: true
    filesystem_root: /var/lib/anchorage/registry
"""

RETURN = r"""
api_version:
  description: The C(Docker-Distribution-API-Version) header of C(/v2/), if any.
  returned: always
  type: str
  sample: registry/2.0
pushed_digest:
  description: Digest of the manifest pushed; null in check mode or with O(push=false).
  returned: always
  type: str
  sample: sha256:8c5839abcc0fe892b1d996ea7f965c44212c2f753a750f586ab5afc6f79dfd60
pulled_digest:
  description: sha256 digest of the manifest pulled back; null when it is not in the registry (check mode).
  returned: always
  type: str
  sample: sha256:8c5839abcc0fe892b1d996ea7f965c44212c2f753a750f586ab5afc6f79dfd60
media_type:
  description: The media type of the test image's manifest (see O(manifest_format)).
  returned: always
  type: str
  sample: application/vnd.docker.distribution.manifest.v2+json
tags:
  description: With O(catalog), the tags the tags list named (up to the page naming O(tag)); null otherwise.
  returned: always
  type: list
  elements: str
  sample: [latest]
match:
  description: The manifest and every blob pulled back have the digests of the generated image, and the manifest its media type.
  returned: always
  type: bool
  sample: true
mismatches:
  description: What did not match (empty on success).
  returned: always
  type: list
  elements: str
  sample: []
cleanup:
  description: C(deleted) (manifest and blobs), C(unsupported) (deletes disabled) or C(skipped) (not asked, or check mode).
  returned: always
  type: str
  sample: deleted
anonymous_status:
  description: The status of C(GET /v2/) without credentials (C(401) where authentication is required).
  returned: always
  type: int
  sample: 401
repository_directory:
  description:
    - C(removed), C(absent) (nothing there), C(kept) (files are still linked in it) or C(skipped) (no cleanup, or no
      O(filesystem_root)).
  returned: always
  type: str
  sample: removed
steps:
  description: Every HTTP request made, in order, with its status.
  returned: always
  type: list
  elements: dict
  sample:
    - {step: ping, method: GET, path: /v2/, status: 200}
    - {step: check blob, method: HEAD, path: /v2/anchorage/verify/blobs/sha256:9564..., status: 404}
elapsed:
  description: Seconds the whole check took.
  returned: always
  type: float
  sample: 0.42
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.anchorage.registry.plugins.module_utils._oci import REGISTRY_API_SPEC
from ansible_collections.anchorage.registry.plugins.module_utils._verify import run


def main():
    module = AnsibleModule(
        argument_spec=dict(
            REGISTRY_API_SPEC,
            repository=dict(type="str", default="anchorage/verify"),
            tag=dict(type="str", default="latest"),
            push=dict(type="bool", default=True),
            manifest_format=dict(type="str", choices=["oci", "docker"], default="oci"),
            catalog=dict(type="bool", default=False),
            cleanup=dict(type="bool", default=False),
            filesystem_root=dict(type="path"),
            require_auth=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    module.exit_json(**run(module))


if __name__ == "__main__":
    main()
