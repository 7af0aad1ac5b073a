#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: registry_config
short_description: Write a CNCF Distribution registry's config.yml from checked options
version_added: 0.1.0
description:
  - Writes the C(config.yml) of a CNCF Distribution registry (2.8 and 3.x, the C(registry:2) and
    C(registry:3) images), configuration version 0.1, from one option per top-level section.
  - Distribution silently ignores keys it does not know. This module knows every key that
    Distribution's configuration reference documents and rejects any other key, naming its full
    path (for example C(storage.s3.regon)), before anything is written.
  - Also checked before writing, exactly one storage driver (C(filesystem), C(s3), C(azure), C(gcs),
    C(swift), C(oss) or C(inmemory)); at most one auth provider; C(proxy.remoteurl) is an http(s) URL; C(http.addr)
    has a port from 1 to 65535; C(http.tls) has certificate and key together; durations (C(ttl),
    C(interval), C(age), C(timeout)...) are Go durations such as C(10s) or C(168h).
  - Also checked, what Distribution needs at start and not only at parse time. No duration may be
    negative (a negative health check interval makes Distribution 2.8 panic at start; V(0) is its
    default). C(storage.maintenance.uploadpurging) needs C(age), C(interval) and C(dryrun) together
    unless C(enabled=false), with C(age) and C(interval) above 0. S3 part sizes are within S3's limits;
    Swift and OSS chunk sizes are at least their drivers' minimums (1 MiB, 5 MiB).
  - When C(http.tls.certificate) and C(http.tls.key) are both files on the target, they must be
    readable and one pair (compared with C(openssl) when the target has it). Paths found nowhere on
    the target are the paths inside a container and are not read; the P(anchorage.registry.registry#role)
    role proves them by a trial start of the registry before it replaces a running one.
  - The file is rendered with a stable key order. When the existing file already holds the same
    settings (even formatted differently) it is left untouched.
  - Secrets (C(http.secret), C(proxy.password), C(storage.s3.secretkey), C(storage.azure.accountkey),
    C(storage.swift.password), C(storage.oss.accesskeysecret),
    C(redis.password), notification and health check headers, ...) are masked in the returned
    C(config) and in the diff. A changed secret shows as a different tag next to the mask.
extends_documentation_fragment:
  - anchorage.registry.attributes
  - anchorage.registry.config_file
  - anchorage.registry.config_file.FILE
  - ansible.builtin.files
attributes:
  check_mode:
    details: Reports whether the file would change (and the diff) without writing it.
options:
  path:
    description: Where to write C(config.yml) (inside containers Distribution reads C(/etc/docker/registry/config.yml)).
    type: path
    required: true
  storage:
    description:
      - The C(storage) section. Exactly one driver key (C(filesystem), C(s3), C(azure), C(gcs), C(swift),
        C(oss), C(inmemory)) with its parameters, plus optionally C(delete), C(redirect), C(cache), C(maintenance)
        (C(uploadpurging), C(readonly)) and C(tag).
      - C(swift) (OpenStack Swift) and C(oss) (Alibaba Cloud OSS) exist in Distribution 2.8 only (the
        C(registry:2) image); 3.0 removed them. Debian's C(docker-registry) package has C(swift) but neither
        C(oss) nor C(azure). The swift driver's object name prefix is C(prefix); it ignores C(rootdirectory),
        which is refused.
    type: dict
    required: true
  auth:
    description: The C(auth) section; one of C(htpasswd) (realm, path), C(token) or C(silly).
    type: dict
  http:
    description:
      - The C(http) section. Every key is optional; keys left out are not written.
    type: dict
    suboptions:
      addr:
        description: Listen address, C(HOST:PORT) such as C(:5000) (a socket path when O(http.net=unix)).
        type: str
      net:
        description: C(tcp) or C(unix).
        type: str
      prefix:
        description: Path prefix before C(/v2/), with leading and trailing slashes.
        type: str
      host:
        description: The externally reachable URL, used to build Location headers.
        type: str
      secret:
        description:
          - Signs upload state kept by clients. Replicas behind one address must share it; when it is
            left out each start generates a random one.
        type: str
      relativeurls:
        description: Return relative URLs in Location headers.
        type: bool
      draintimeout:
        description: How long to let connections drain on SIGTERM (Go duration).
        type: str
      tls:
        description: C(certificate) and C(key) (paths, together), C(clientcas), C(clientauth), C(minimumtls), C(ciphersuites), C(letsencrypt).
        type: dict
      debug:
        description: Debug server C(addr) and C(prometheus) (C(enabled), C(path)).
        type: dict
      headers:
        description: "Response headers, each a list of values, for example C(X-Content-Type-Options: [nosniff])."
        type: dict
      http2:
        description: C(disabled).
        type: dict
      h2c:
        description: C(enabled).
        type: dict
  proxy:
    description:
      - The C(proxy) section, making this registry a pull-through cache of one upstream.
        Pushing to a pull-through cache is not possible.
    type: dict
    suboptions:
      remoteurl:
        description: The upstream registry URL (http or https). Required when O(proxy) is given.
        type: str
      username:
        description: User for the upstream.
        type: str
      password:
        description: Password for the upstream.
        type: str
      exec:
        description: A credential helper, C(command) and C(lifetime).
        type: dict
      ttl:
        description: How long cached content is kept (Go duration, C(0) keeps it forever; default C(168h)).
        type: str
  health:
    description: The C(health) section; C(storagedriver), C(file), C(http), C(tcp) checks.
    type: dict
  notifications:
    description: The C(notifications) section; C(events) and C(endpoints).
    type: dict
  redis:
    description:
      - The C(redis) section; Distribution 3 spells C(addrs) (a list, go-redis options), 2.8 spells C(addr) and C(pool).
      - Redis must use the C(allkeys-lru) eviction policy.
    type: dict
  log:
    description: The C(log) section; C(level), C(formatter), C(fields), C(accesslog), C(hooks).
    type: dict
  middleware:
    description: The C(middleware) section; C(registry), C(repository) and C(storage) lists (C(cloudfront) and C(redirect) options are checked).
    type: dict
  validation:
    description: The C(validation) section; C(disabled) (C(enabled) in 2.8) and C(manifests) (C(urls), C(indexes)).
    type: dict
  compatibility:
    description: The C(compatibility) section of Distribution 2.8 (C(schema1)).
    type: dict
  reporting:
    description: The C(reporting) section of Distribution 2.8 (C(bugsnag), C(newrelic)).
    type: dict
  catalog:
    description: The C(catalog) section of Distribution 3 (C(maxentries)).
    type: dict
  tags:
    description: The C(tags) section of Distribution 3 (C(maxtags)).
    type: dict
notes:
  - Distribution reads its configuration only at start; restart it when RV(restart_required) is true.
  - A new file gets mode C(0600) (it may hold C(http.secret)) unless O(mode) is given.
  - Secrets inside the free-form sections are masked in the target's journal (or syslog) record of the
    module's arguments as well as in the result and the diff; the other keys stay readable there.
requirements:
  - PyYAML on the target
seealso:
  - name: Distribution configuration reference
    description: Every key this module accepts.
    link: https://distribution.github.io/distribution/about/configuration/
author:
  - anchorage.registry contributors (@anchorage-registry)
"""

EXAMPLES = r"""
- name: A registry on local disk, deletes enabled, htpasswd users
  anchorage.registry.registry_config:
    path: /etc/anchorage/registry/config.yml
    mode: "0640"
    storage:
      filesystem:
        rootdirectory: /var/lib/registry
      delete:
        enabled: true
      maintenance:
        uploadpurging:
          enabled: true
          age: 168h
          interval: 24h
          dryrun: false
    auth:
      htpasswd:
        realm: anchorage-registry
        path: /etc/docker/registry/htpasswd
    http:
      addr: :5000
      secret: "{{ registry_http_secret }}"
      headers:
        X-Content-Type-Options: [nosniff]
      tls:
        certificate: /etc/docker/registry/tls/server.crt
        key: /etc/docker/registry/tls/server.key
    health:
      storagedriver:
        enabled: true
        interval: 10s
        threshold: 3
  register: registry_config
  notify: Restart the registry

- name: A pull-through cache of Docker Hub, stored in S3
  anchorage.registry.registry_config:
    path: /etc/anchorage/mirror/config.yml
    storage:
      s3:
        region: us-east-1
        bucket: registry-cache
        regionendpoint: http://10.0.0.20:9000
        forcepathstyle: true
        secure: false
    proxy:
      remoteurl: https://registry-1.docker.io
      username: "{{ hub_user }}"
      password: "{{ hub_token }}"
      ttl: 168h
"""

RETURN = r"""
restart_required:
  description: The file's content changed (or would, in check mode); Distribution must restart to read it.
  returned: always
  type: bool
  sample: true
reload_required:
  description: Always false; Distribution has no reload.
  returned: always
  type: bool
config:
  description: The configuration written, with every secret replaced by C(********).
  returned: always
  type: dict
  sample:
    version: "0.1"
    storage:
      filesystem:
        rootdirectory: /var/lib/registry
    http:
      addr: ":5000"
      secret: "********"
backup_file:
  description: The backup of the previous file.
  returned: when O(backup=true) and the file changed
  type: str
  sample: /etc/anchorage/registry/config.yml.12345.2026-11-22@10:00:00~
"""

from ansible_collections.anchorage.registry.plugins.module_utils._config_file import file_options, run
from ansible_collections.anchorage.registry.plugins.module_utils._distribution import DistributionConfig

# Sections passed through as free-form mappings; _distribution checks every key of them.
FREE_FORM_SECTIONS = ("auth", "health", "notifications", "redis", "log", "middleware", "validation",
                      "compatibility", "reporting", "catalog", "tags")


def main():
    argument_spec = file_options(
        path=dict(type="path", required=True),
        storage=dict(type="dict", required=True),
        http=dict(type="dict", options=dict(
            addr=dict(type="str"),
            net=dict(type="str"),
            prefix=dict(type="str"),
            host=dict(type="str"),
            secret=dict(type="str", no_log=True),
            relativeurls=dict(type="bool"),
            draintimeout=dict(type="str"),
            tls=dict(type="dict"),
            debug=dict(type="dict"),
            headers=dict(type="dict"),
            http2=dict(type="dict"),
            h2c=dict(type="dict"),
        )),
        proxy=dict(type="dict", options=dict(
            remoteurl=dict(type="str"),
            username=dict(type="str"),
            password=dict(type="str", no_log=True),
            exec=dict(type="dict"),
            ttl=dict(type="str"),
        )),
    )
    argument_spec.update((name, dict(type="dict")) for name in FREE_FORM_SECTIONS)
    run(DistributionConfig(), argument_spec, add_file_common_args=True, supports_check_mode=True)


if __name__ == "__main__":
    main()
