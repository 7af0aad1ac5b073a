#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: zot_config
short_description: Build and check zot's config.json the way C(zot verify) does
version_added: 0.1.0
description:
  - Builds zot's C(config.json) from sections written with zot's own keys (O(storage), O(http),
    O(log), O(extensions), O(scheduler), O(cluster)), merged over an optional whole O(config), and
    checks it before anything is written or returned.
  - Like C(zot verify), rejects unknown keys with their full path (C(storage.retention.policies[0].keepTag)),
    values of the wrong type, durations that do not parse (C(90s), C(1h30m)), and the key combinations
    zot refuses at start, for example C(dedupe) with cloud storage and no C(cacheDriver), sync with
    cloud storage and no C(downloadDir), the UI without search, CVE scanning on cloud storage, user
    policies without authentication, or C(preserveDigest) without C(http.compat).
  - Accepts what zot accepts, with zot's loader in front of the checks as zot has it (viper and
    mapstructure). Keys match without regard to case; C("true") and C(1) are booleans and C("5") a
    number where zot's field is one, a number is a string where the field is a string, a single value a
    one-element list, a bare number in a duration nanoseconds (warned); the result spells keys as zot's
    documentation does and values typed. An empty mapping is dropped as zot drops it, so
    an empty C(metrics) next to extensions with settings is off (warned). Every example config in zot's
    repository passes as it is.
  - Globs are checked with the rules of doublestar (zot's glob library), Go regular expressions with RE2,
    the metrics path with Go's C(path.Clean), log levels against zot's list, and access-control
    conditions (and OIDC claim mappings) compiled and type-checked as CEL with the environment zot builds
    (cel-expr-python).
  - C(accessControl) actions are C(read), C(create), C(update) and C(delete), plus zot's documented
    behaviour action C(detectManifestCollision). A sync URL without a scheme is a warning (zot accepts
    it and fails when it syncs).
  - Defaults chosen here (listed in RV(defaults_applied)) are C(storage.rootDirectory=/var/lib/registry),
    C(http.address=0.0.0.0), C(http.port=5000), C(log.level=info), C(http.compat=[docker2s2]) (see
    O(docker_compat)), and C(storage.dedupe=false) when a C(storageDriver) is set without a C(cacheDriver).
    An explicit C(dedupe=true) there is refused, as zot would.
  - Returns the rendered JSON (RV(json)) for a Kubernetes ConfigMap, and writes it to O(path) when that is set.
author:
  - anchorage.registry contributors (@anchorage-registry)
extends_documentation_fragment:
  - anchorage.registry.attributes
  - anchorage.registry.config_file
  - anchorage.registry.config_file.FILE
  - ansible.builtin.files
options:
  config:
    description:
      - A whole zot config (for example one of zot's examples) to start from. The section options are
        merged over it (mappings merge, other values replace).
    type: dict
    default: {}
  storage:
    description:
      - The C(storage) section with zot's keys, for example C(rootDirectory), C(dedupe), C(gc), C(gcDelay),
        C(gcInterval), C(retention) (C(policies) with C(repositories), C(deleteReferrers), C(deleteUntagged),
        C(keepTags)), C(subPaths), C(storageDriver) (s3, gcs, azure) and C(cacheDriver) (dynamodb, redis).
    type: dict
  http:
    description:
      - The C(http) section, for example C(address), C(port), C(tls), C(compat), C(auth) (C(htpasswd),
        C(ldap), C(openid), C(bearer), C(mtls)), C(accessControl) and C(ratelimit).
    type: dict
  log:
    description: The C(log) section (C(level), C(output), C(audit)).
    type: dict
  extensions:
    description:
      - The C(extensions) section, for example C(sync) (C(registries) with C(urls), C(onDemand),
        C(content), C(tlsVerify), C(maxRetries), C(retryDelay), C(pollInterval)), C(search) (with C(cve)),
        C(ui), C(metrics), C(scrub), C(lint), C(trust), C(events).
      - An extension that is present is on unless it says C(enable=false), as in zot.
    type: dict
  scheduler:
    description: The C(scheduler) section (C(numWorkers)).
    type: dict
  cluster:
    description: The scale-out C(cluster) section (C(members), C(hashKey), C(tls)).
    type: dict
  docker_compat:
    description:
      - Set C(http.compat) to C([docker2s2]) when the config does not set it, so that C(docker push) of
        Docker-format images works. Without it zot answers C(manifest invalid).
      - An explicit C(http.compat) (even C([])) is kept as it is.
    type: bool
    default: true
  path:
    description:
      - Write the config to this file (atomically, only when its content changes). When not set nothing
        is written and the module only builds, checks and returns the config.
    type: path
requirements:
  - google-re2 and cel-expr-python (CPython 3.11 or later) where the module runs (the zot role runs it on
    the controller); without them, regular expressions and CEL expressions are reported as not checked
    (a warning) instead.
notes:
  - The checks follow zot's config structs, C(LoadConfiguration) and C(validateConfiguration) at upstream
    commit 6d19b445 (v2.1.20 and later), read from zot's source; no zot binary could be run to compare
    (its Go module could not be fetched). Files the config names (htpasswd, credentials, TLS) are not read.
  - CEL is compiled with Google's cel-cpp checker in the environment C(pkg/cel.NewExpression) builds, so
    syntax, undeclared names, type errors (C(1 + "a"), mixed list literals, C('%d'.format(['a']))) and what
    zot's program creation refuses (C(timestamp('2024-01-01')), a C(matches) pattern Go cannot compile) are
    refused; a result type zot can never evaluate (a condition of type int) is a warning, as zot accepts it.
  - Values of keys zot itself treats as secrets (C(secretkey), C(password), C(clientsecret), ...) are
    masked in the module's output and in the log the target writes of each module call.
  - O(path) can hold S3 keys; a new file is created with mode C(0600) unless O(mode) is given.
seealso:
  - module: anchorage.registry.manifest_apply
"""

EXAMPLES = r"""
- name: Check zot's config and return it for a ConfigMap
  anchorage.registry.zot_config:
    storage:
      rootDirectory: /var/lib/registry
      gc: true
      gcDelay: 1h
      gcInterval: 24h
    extensions:
      search: {enable: true}
      ui: {enable: true}
  register: zot

- name: Write config.json on a host that runs zot as a service
  anchorage.registry.zot_config:
    path: /etc/zot/config.json
    mode: "0640"
    storage:
      rootDirectory: /var/lib/zot
      storageDriver:
        name: s3
        regionendpoint: http://minio.minio.svc:9000
        region: us-east-1
        bucket: zot
        secure: false
    extensions:
      sync:
        downloadDir: /var/lib/zot/sync
        registries:
          - urls: [https://registry-1.docker.io]
            onDemand: true
            content:
              - prefix: library/**
  register: zot_file

- name: Restart zot when its config changed
  ansible.builtin.systemd_service:
    name: zot
    state: restarted
  when: zot_file.restart_required
"""

RETURN = r"""
config:
  description: The config as checked, keys spelt as zot's documentation does.
  returned: success
  type: dict
  sample: {"distSpecVersion": "1.1.1", "storage": {"rootDirectory": "/var/lib/registry"}}
json:
  description: The config.json text (for a ConfigMap or a template).
  returned: success
  type: str
checksum:
  description: SHA-256 of RV(json), for a pod annotation that rolls pods when the config changes.
  returned: success
  type: str
defaults_applied:
  description: Each default this module chose, with its reason.
  returned: success
  type: list
  elements: str
  sample: ['http.compat: ["docker2s2"] (docker push of Docker-format images fails with ''manifest invalid'' without it)']
restart_required:
  description: O(path) changed (or would change, in check mode); zot must be restarted to read it.
  returned: success
  type: bool
reload_required:
  description: Always false; zot must restart to read a changed file reliably.
  returned: success
  type: bool
backup_file:
  description: The backup of O(path), when one was made.
  returned: changed and O(backup)
  type: str
"""

from ansible_collections.anchorage.registry.plugins.module_utils._config_file import file_options, run
from ansible_collections.anchorage.registry.plugins.module_utils._zot import ZotConfig


def main():
    run(ZotConfig(), file_options(
        path=dict(type="path"),
        config=dict(type="dict", default={}),
        storage=dict(type="dict"),
        http=dict(type="dict"),
        log=dict(type="dict"),
        extensions=dict(type="dict"),
        scheduler=dict(type="dict"),
        cluster=dict(type="dict"),
        docker_compat=dict(type="bool", default=True),
    ), add_file_common_args=True, supports_check_mode=True)


if __name__ == "__main__":
    main()
