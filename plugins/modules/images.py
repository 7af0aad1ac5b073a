#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: images
short_description: Seed a registry with images from docker-archives, OCI layouts or another registry
version_added: 0.1.0
description:
  - Copies a list of images into any registry that speaks the OCI Distribution API (CNCF Distribution, zot,
    Harbor), with nothing but HTTP from the host the module runs on; no docker, skopeo or registry library.
  - "Sources are written as skopeo writes them: C(docker-archive:PATH[:REF]) (a C(docker save) tarball),
    C(oci:PATH[:REF]) (an OCI image layout directory) and C(docker://REF) (an image in another registry)."
  - Manifests from an OCI layout or a registry are copied byte for byte, so digests and multi-arch indexes
    (every platform) stay the same. A docker-archive holds no manifest; the module generates one, the same
    bytes for the same archive on every run, with the archive's layers as they are (uncompressed tar).
  - What the target already has is skipped. An image whose tag already points at the same digest costs one
    C(HEAD) request; otherwise every child manifest and blob is checked first, a blob this run already put
    into another repository of the target is mounted from there, and only the rest is uploaded, streamed
    from the archive or the source registry. A re-run therefore uploads 0 bytes and reports no change.
  - Every item is checked, and every archive and layout opened, before the first request to the target.
    A source that does not parse or is missing fails the module naming the item, and nothing is copied.
extends_documentation_fragment:
  - anchorage.registry.registry_api
  - anchorage.registry.attributes
attributes:
  check_mode:
    details: Only C(HEAD) and C(GET) requests; RV(images) and RV(summary) say what would be uploaded.
  diff_mode:
    support: none
  idempotent:
    details: A second run finds every image by digest and changes nothing.
  safe_file_operations:
    support: N/A
    details: Writes no files; the target registry stores the images.
options:
  images:
    description: The images to copy, in order.
    type: list
    elements: dict
    required: true
    suboptions:
      source:
        description:
          - V(docker-archive:/srv/bundle/registry.tar), V(docker-archive:/srv/all.tar:example/app:1.0) (one image of
            an archive holding several), V(oci:/srv/layouts/app:1.0) (the image whose
            C(org.opencontainers.image.ref.name) is V(1.0)), or V(docker://registry.example.com:5000/team/app:1.0).
          - A layout or archive holding one image needs no V(:REF).
        type: str
        required: true
      destination:
        description:
          - The repository in the target, with an optional tag (V(team/app:1.0)), without the registry's host.
          - Default, the source's own repository and tag (a C(docker://) reference without its host, or the
            archive's tag). An OCI layout names no repository, so it needs one. Without a tag, the source's tag
            is kept (V(latest) when it has none).
        type: str
      source_username:
        description: User for a C(docker://) source.
        type: str
      source_password:
        description: Password (or token) of O(images[].source_username).
        type: str
      source_validate_certs:
        description: Verify a C(docker://) source's TLS certificate.
        type: bool
        default: true
      source_plain_http:
        description: Reach a C(docker://) source over plain HTTP.
        type: bool
        default: false
  harbor_projects:
    description:
      - The target is Harbor; create the project each destination names (its first path component) as a private
        project when missing, through Harbor's API at O(harbor_api_url) with O(username) and O(password).
    type: bool
    default: false
  harbor_api_url:
    description: Harbor's URL for its API, when it is not O(url).
    type: str
seealso:
  - module: anchorage.registry.registry_verify
  - module: anchorage.registry.harbor_project
notes:
  - A docker-archive image is pushed as a Docker schema 2 manifest with uncompressed layers, as C(docker save)
    stores them; Docker, containerd and the registries pull it as any other image.
  - Foreign layers (descriptors with C(urls), Windows base layers) are not copied, as registries leave them
    where they are.
author:
  - anchorage.registry contributors (@anchorage-registry)
"""

EXAMPLES = r"""
- name: Seed the new registry from the offline bundle
  anchorage.registry.images:
    url: https://registry.example.com:5000
    username: admin
    password: "{{ registry_admin_password }}"
    ca_path: /etc/anchorage/ca.crt
    images:
      - source: docker-archive:/srv/anchorage-bundle/images/registry-2.8.3.tar
        destination: library/registry:2.8.3
      - source: oci:/srv/anchorage-bundle/images/zot:v2.1.0
        destination: project-zot/zot:v2.1.0

- name: Copy a multi-arch image from another registry into Harbor, creating the project
  anchorage.registry.images:
    url: https://harbor.example.com
    username: admin
    password: "{{ harbor_admin_password }}"
    harbor_projects: true
    images:
      - source: docker://mirror.example.net/library/alpine:3.20
        destination: library/alpine:3.20
"""

RETURN = r"""
images:
  description: What each image cost, in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    source:
      description: The item's source.
      type: str
    destination:
      description: The repository and tag (or digest) in the target.
      type: str
    digest:
      description: The digest of the image's top manifest (an index for a multi-arch image).
      type: str
    media_type:
      description: The top manifest's media type.
      type: str
    status:
      description: C(present) (the tag already pointed at this digest), C(copied), or C(would copy) in check mode.
      type: str
    manifests_pushed:
      description: Manifests written (child manifests of an index, then the top one).
      type: int
    blobs_uploaded:
      description: Blobs uploaded (would be, in check mode).
      type: int
    blobs_mounted:
      description: Blobs mounted from another repository of the target, uploading nothing.
      type: int
    blobs_present:
      description: Blobs the target already had.
      type: int
    bytes_uploaded:
      description: Bytes uploaded (would be, in check mode).
      type: int
    seconds:
      description: Seconds the image took.
      type: float
  sample:
    - source: docker-archive:/srv/bundle/registry.tar
      destination: library/registry:2.8.3
      digest: sha256:3a51c4b6e2e9c1d0a4c1b0f2c1e0b3a6d1f9b6c2d8e7a4f1c0b9e8d7a6f5e4d3
      media_type: application/vnd.docker.distribution.manifest.v2+json
      status: copied
      manifests_pushed: 1
      blobs_uploaded: 4
      blobs_mounted: 0
      blobs_present: 0
      bytes_uploaded: 24821248
      seconds: 0.61
summary:
  description: The sums over RV(images), how many were C(present) and copied, and the whole run's seconds.
  returned: always
  type: dict
  sample: {images: 2, copied: 0, present: 2, manifests_pushed: 0, blobs_uploaded: 0, blobs_mounted: 0,
           blobs_present: 0, bytes_uploaded: 0, seconds: 0.02}
harbor_projects_created:
  description: Harbor projects created (would be, in check mode) for the destinations.
  returned: always
  type: list
  elements: str
  sample: [library]
requests:
  description: HTTP requests made to the target registry.
  returned: always
  type: int
  sample: 2
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.anchorage.registry.plugins.module_utils._image_copy import run_images
from ansible_collections.anchorage.registry.plugins.module_utils._oci import REGISTRY_API_SPEC


def main():
    module = AnsibleModule(
        argument_spec=dict(
            REGISTRY_API_SPEC,
            images=dict(type="list", elements="dict", required=True, options=dict(
                source=dict(type="str", required=True),
                destination=dict(type="str"),
                source_username=dict(type="str"),
                source_password=dict(type="str", no_log=True),
                source_validate_certs=dict(type="bool", default=True),
                source_plain_http=dict(type="bool", default=False),
            )),
            harbor_projects=dict(type="bool", default=False),
            harbor_api_url=dict(type="str"),
        ),
        supports_check_mode=True,
    )
    module.exit_json(**run_images(module))


if __name__ == "__main__":
    main()
