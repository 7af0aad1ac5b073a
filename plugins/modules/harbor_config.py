#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: harbor_config
short_description: Write Harbor's harbor.yml from checked options
version_added: 0.1.0
description:
  - Writes the C(harbor.yml) that Harbor's installer (v2.16, C(_version) C(2.15.0)) reads with C(prepare),
    from one option per section of the installer's C(harbor.yml.tmpl).
  - Applies every check C(prepare) applies - hostname not C(127.0.0.1) nor the placeholder C(reg.mydomain.com),
    https with real certificate and key paths, a complete C(log.external_endpoint), C(upload_purging) age and
    interval of at least C(2h), C(cache.expire_hours) above 0, exactly one trace exporter, C(core.quota_update_provider)
    C(db) or C(redis), a readable C(storage_service.ca_bundle).
  - Also refuses, naming the option, what C(prepare) accepts silently or crashes on - unknown keys (by their path), a
    hostname that is C(localhost), a loopback address, or carries a scheme, path or port; certificate and key files
    that are missing or not PEM; an unknown or empty storage driver (prepare would use the filesystem), a driver without
    its required keys (C(s3) without C(bucket)), two drivers; ports outside 1-65535; an empty admin password or one
    Harbor's API would refuse (8-128 characters, upper and lower case and a digit); negative durations; relative
    paths; a control character (a newline) in any password; C(external_database) without C(ssl_mode); C(log.level)
    in capitals; C(redis) and C(external_redis) together; Redis database indexes or C(database.max_idle_conns) of 0
    (prepare replaces them); storage values and Redis credentials that prepare would copy unquoted into the
    registry's C(config.yml) where they read back differently; database credentials with spaces or backslashes,
    which Harbor core puts unquoted into its connection string.
  - Sections prepare crashes without are filled with the template's values - C(jobservice) (10 workers, 24 hours,
    loggers C(STD_OUTPUT) and C(FILE), sweeper 1 day), C(notification) (3 retries, 3 seconds) and C(log) (C(info),
    local files in C(/var/log/harbor), 50 rotations of C(200M)). O(database) is required unless O(external_database)
    is given.
  - The file is rendered in the template's section order. When the existing file already holds the same settings
    (even formatted differently) it is left untouched.
  - Passwords, tokens and storage keys are masked in the target's log of the module's arguments, in the returned
    C(config) and in the diff (a changed secret shows as a different tag next to the mask).
extends_documentation_fragment:
  - anchorage.registry.attributes
  - anchorage.registry.config_file
  - anchorage.registry.config_file.FILE
  - ansible.builtin.files
attributes:
  check_mode:
    details: Reports whether the file would change (and the diff) without writing it; the files it names are still read (with O(path)).
options:
  path:
    description:
      - Where to write C(harbor.yml), normally beside the installer's C(prepare) and C(install.sh).
      - Without it nothing is read or written - the options are checked and the data returned in RV(config), but the
        files harbor.yml names (certificates, CA bundles, key files) are not - which is how a role checks its input on
        the controller before any host is touched. They are checked when the module writes O(path) on the target.
    type: path
  hostname:
    description:
      - The name (or IP address) clients reach Harbor at, without scheme, port or path. Not C(localhost) or a loopback
        address, and not the template's C(reg.mydomain.com).
    type: str
    required: true
  http:
    description: Plain HTTP. With O(https) it only redirects to HTTPS.
    type: dict
    suboptions:
      port:
        description: Host port of the HTTP listener (prepare's default C(80)).
        type: int
  https:
    description: HTTPS served by Harbor's nginx. Leave out for HTTP only.
    type: dict
    suboptions:
      port:
        description: Host port of the HTTPS listener (prepare's default C(443)); not the HTTP port.
        type: int
      certificate:
        description: Absolute path on the host of the server certificate (PEM, chain allowed); checked to exist and be PEM.
        type: str
      private_key:
        description: Absolute path on the host of its private key (PEM, not encrypted); checked to exist and be PEM.
        type: str
      strong_ssl_ciphers:
        description: Offer only strong TLS ciphers.
        type: bool
  ip_family:
    description: IP families of Harbor's nginx (prepare's default IPv4 only).
    type: dict
    suboptions:
      ipv4:
        description: C(enabled) (bool).
        type: dict
        suboptions:
          enabled:
            description: Listen on IPv4.
            type: bool
      ipv6:
        description: C(enabled) (bool).
        type: dict
        suboptions:
          enabled:
            description: Listen on IPv6 (the Docker network must have IPv6).
            type: bool
  internal_tls:
    description: TLS between Harbor's components.
    type: dict
    suboptions:
      enabled:
        description: Turn internal TLS on.
        type: bool
      dir:
        description:
          - Absolute path of the directory with the components' certificates and keys; required when enabled. Checked
            on the target to hold C(proxy), C(core), C(job_service), C(registryctl), C(registry), C(portal) (and
            C(harbor_db) without O(external_database)) C(.crt)/C(.key) pairs; the Trivy pair is not checked.
        type: str
      strong_ssl_ciphers:
        description: Offer only strong TLS ciphers (also read from O(https.strong_ssl_ciphers)).
        type: bool
  external_url:
    description: The URL clients use when Harbor sits behind an external proxy (C(https://host[:port]), no path); then O(hostname) is not used for links.
    type: str
  harbor_admin_password:
    description:
      - The initial password of C(admin). Harbor reads it only at the first start; change it later through the API
        (the P(anchorage.registry.harbor#role) role does). A change of it alone leaves RV(prepare_checksum) as it was.
      - 8-128 characters with at least one upper-case letter, one lower-case letter and one digit, as Harbor's API
        requires for every later change.
    type: str
    required: true
  database:
    description: Harbor's own PostgreSQL. Required unless O(external_database) is given.
    type: dict
    suboptions:
      password:
        description:
          - Password of its C(postgres) user; applied only when the database is created. No spaces, backslashes or
            leading quote (Harbor core does not quote it in its connection string).
        type: str
        required: true
      max_idle_conns:
        description: Idle connections kept, C(-1) or more; C(-1) for none (C(0) would become prepare's default 2).
        type: int
      max_open_conns:
        description: Open connections at most, C(0) or more; C(0) for no limit.
        type: int
      conn_max_lifetime:
        description: Longest reuse of a connection, a Go duration such as C(5m), not negative; C(0) for no limit.
        type: str
      conn_max_idle_time:
        description: Longest idle time of a connection, a Go duration, not negative; C(0) keeps them.
        type: str
  data_volume:
    description: Absolute path on the host of Harbor's data (registry blobs on filesystem storage, database, secrets).
    type: str
    default: /data
  storage_service:
    description: Where the registry stores images (prepare's default, when left out, is the filesystem under O(data_volume)).
    type: dict
    suboptions:
      ca_bundle:
        description:
          - Absolute path of a CA bundle (PEM) the registry trusts for the storage endpoint. A path under C(/data/) is
            read inside O(data_volume), as prepare does. Checked on the target to be PEM and readable by others or
            owned by uid 10000 and readable by it.
        type: str
      filesystem:
        description: C(rootdirectory), C(maxthreads) (at least 25).
        type: dict
      s3:
        description:
          - Distribution 2.8's S3 driver - C(region) and C(bucket) required; C(accesskey), C(secretkey), C(regionendpoint),
            C(encrypt), C(keyid), C(secure), C(skipverify), C(v4auth), C(chunksize), C(multipartcopychunksize),
            C(multipartcopymaxconcurrency), C(multipartcopythresholdsize), C(rootdirectory), C(storageclass),
            C(useragent), C(objectacl).
        type: dict
      azure:
        description: C(accountname), C(accountkey) and C(container) required; C(realm).
        type: dict
      gcs:
        description:
          - C(bucket) required; C(keyfile) (absolute path on the host, checked to exist), C(credentials), C(rootdirectory),
            C(chunksize) (a multiple of 262144), C(maxconcurrency). Prefer C(keyfile) - prepare cannot carry inline
            C(credentials) with a private key into the registry's config.
        type: dict
      swift:
        description:
          - C(username), C(password), C(authurl) and C(container) required; C(tenant), C(tenantid), C(domain),
            C(domainid), C(tenantdomain), C(tenantdomainid), C(trustid), C(region), C(authversion), C(prefix),
            C(endpointtype), C(insecureskipverify), C(chunksize), C(secretkey), C(accesskey), C(tempurlcontainerkey),
            C(tempurlmethods).
        type: dict
      oss:
        description:
          - C(accesskeyid), C(accesskeysecret), C(region) and C(bucket) required; C(internal), C(encrypt), C(secure),
            C(chunksize), C(rootdirectory), C(endpoint).
        type: dict
      redirect:
        description: Redirects of blob downloads to the storage.
        type: dict
        suboptions:
          disable:
            description: Serve blobs through the registry instead of redirecting clients to the storage.
            type: bool
  trivy:
    description: The Trivy scanner (used when the installer runs with Trivy).
    type: dict
    suboptions:
      ignore_unfixed:
        description: Show only fixed vulnerabilities.
        type: bool
      skip_update:
        description: Do not download the vulnerability database (provide it yourself).
        type: bool
      skip_java_db_update:
        description: Do not download the Java vulnerability database.
        type: bool
      db_repository:
        description: OCI repository of the vulnerability database.
        type: str
      java_db_repository:
        description: OCI repository of the Java vulnerability database.
        type: str
      offline_scan:
        description: Send no requests to identify dependencies.
        type: bool
      security_check:
        description: Comma-separated C(vuln), C(config), C(secret).
        type: str
      insecure:
        description: Skip verifying the registry's certificate.
        type: bool
      timeout:
        description: Longest scan, a Go duration above 0 such as C(5m0s).
        type: str
      github_token:
        description: GitHub token for database downloads.
        type: str
  jobservice:
    description: The job service; keys left out get the template's values.
    type: dict
    suboptions:
      max_job_workers:
        description: Job workers (at least 1; default 10).
        type: int
      max_job_duration_hours:
        description: Longest job in hours (at least 24, which prepare would silently raise it to; default 24).
        type: int
      job_loggers:
        description: Loggers of jobs, each once - C(STD_OUTPUT), C(FILE), C(DB) (default the first two).
        type: list
        elements: str
      logger_sweeper_duration:
        description: Days job logs are kept (default 1).
        type: int
  notification:
    description: Webhook jobs; keys left out get the template's values.
    type: dict
    suboptions:
      webhook_job_max_retry:
        description: Retries of a webhook job (default 3).
        type: int
      webhook_job_http_client_timeout:
        description: HTTP timeout of a webhook job in seconds (default 3).
        type: int
  log:
    description: Logging; keys left out get the template's values.
    type: dict
    suboptions:
      level:
        description: C(debug), C(info), C(warning), C(error) or C(fatal), in lower case (default C(info)).
        type: str
      local:
        description: Log files on the host.
        type: dict
        suboptions:
          rotate_count:
            description: Rotations kept (default 50).
            type: int
          rotate_size:
            description: Size that triggers a rotation, bytes or with C(k), C(M), C(G) (default C(200M)).
            type: str
          location:
            description: Absolute path of the log directory (default C(/var/log/harbor)).
            type: str
      external_endpoint:
        description: A syslog endpoint; all three keys are required.
        type: dict
        suboptions:
          protocol:
            description: C(tcp) or C(udp).
            type: str
          host:
            description: Host of the endpoint.
            type: str
          port:
            description: Port of the endpoint.
            type: int
  config_version:
    description: Written as C(_version), the harbor.yml version C(prepare migrate) converts from.
    type: str
    default: 2.15.0
  external_database:
    description: An external PostgreSQL instead of Harbor's own.
    type: dict
    suboptions:
      harbor:
        description: Harbor's database; C(host), C(port), C(db_name), C(username), C(password) and C(ssl_mode) are required.
        type: dict
        suboptions:
          host:
            description: Database host.
            type: str
          port:
            description: Database port.
            type: int
          db_name:
            description: Database name.
            type: str
          username:
            description: Database user.
            type: str
          password:
            description: Its password (no spaces, backslashes or leading quote).
            type: str
          ssl_mode:
            description: C(disable), C(allow), C(prefer), C(require), C(verify-ca) or C(verify-full).
            type: str
          max_idle_conns:
            description: Idle connections kept, C(-1) or more; C(-1) for none.
            type: int
          max_open_conns:
            description: Open connections at most, C(0) or more; C(0) for no limit.
            type: int
          conn_max_lifetime:
            description: Longest reuse of a connection, a Go duration, not negative.
            type: str
          conn_max_idle_time:
            description: Longest idle time of a connection, a Go duration, not negative.
            type: str
  redis:
    description: Database indexes in Harbor's own Redis (at least 1; 0 is core's). Not together with O(external_redis).
    type: dict
    suboptions:
      registry_db_index:
        description: The registry's (default 1).
        type: int
      jobservice_db_index:
        description: The job service's (default 2).
        type: int
      trivy_db_index:
        description: Trivy's (default 5).
        type: int
      harbor_db_index:
        description: Harbor's business data (default core's).
        type: int
      cache_layer_db_index:
        description: The cache layer's (default core's).
        type: int
  external_redis:
    description: An external Redis (or Redis Sentinel) instead of Harbor's own.
    type: dict
    suboptions:
      host:
        description: C(host:port), or comma-separated Sentinels C(host:port,host:port) with O(external_redis.sentinel_master_set).
        type: str
        required: true
      password:
        description: Redis password.
        type: str
      username:
        description: Redis 6 ACL user.
        type: str
      sentinel_master_set:
        description: Sentinel master set name (Sentinel only).
        type: str
      tlsOptions:
        description: TLS to Redis (server authentication only).
        type: dict
        suboptions:
          enable:
            description: Use TLS.
            type: bool
          rootCA:
            description: Absolute path of the CA (PEM) to trust; required when enabled, checked on the target.
            type: str
      registry_db_index:
        description: The registry's index (default 1).
        type: int
      jobservice_db_index:
        description: The job service's index (default 2).
        type: int
      trivy_db_index:
        description: Trivy's index (default 5).
        type: int
      idle_timeout_seconds:
        description: Idle timeout of connections in seconds (default 30).
        type: int
      harbor_db_index:
        description: Harbor's business data index.
        type: int
      cache_layer_db_index:
        description: The cache layer's index.
        type: int
  uaa:
    description: A UAA server with a self-signed certificate.
    type: dict
    suboptions:
      ca_file:
        description: Absolute path of its CA (PEM), checked on the target.
        type: str
  proxy:
    description: An HTTP proxy for Harbor's outgoing connections.
    type: dict
    suboptions:
      http_proxy:
        description: Proxy URL for HTTP (C(http://proxy:3128)); credentials in it are masked.
        type: str
      https_proxy:
        description: Proxy URL for HTTPS; credentials in it are masked.
        type: str
      no_proxy:
        description: Comma-separated hosts reached directly (Harbor adds its own components).
        type: str
      components:
        description: Components that use the proxy - C(core), C(jobservice), C(registry), C(trivy).
        type: list
        elements: str
  metric:
    description: Prometheus metrics; C(enabled), C(port) and C(path) are all required when given.
    type: dict
    suboptions:
      enabled:
        description: Expose metrics.
        type: bool
      port:
        description: Metrics port.
        type: int
      path:
        description: Metrics path, such as C(/metrics).
        type: str
  trace:
    description: Distributed tracing; when enabled exactly one of C(jaeger) and C(otel).
    type: dict
    suboptions:
      enabled:
        description: Turn tracing on.
        type: bool
      sample_rate:
        description: Share of traces sampled, 0 to 1.
        type: float
      namespace:
        description: Namespace that tells Harbor instances apart.
        type: str
      attributes:
        description: Attributes (strings) added to every trace.
        type: dict
      jaeger:
        description: Jaeger 1.26+, either C(endpoint) (collector) or C(agent_host) (agent), not both.
        type: dict
        suboptions:
          endpoint:
            description: Collector URL, such as C(http://jaeger:14268/api/traces).
            type: str
          username:
            description: Collector user.
            type: str
          password:
            description: Collector password.
            type: str
          agent_host:
            description: Agent host.
            type: str
          agent_port:
            description: Agent port (compact thrift).
            type: int
      otel:
        description: OpenTelemetry; C(endpoint) and C(url_path) required.
        type: dict
        suboptions:
          endpoint:
            description: C(host:port), without scheme.
            type: str
          url_path:
            description: Path, such as C(/v1/traces).
            type: str
          compression:
            description: Compress exports.
            type: bool
          insecure:
            description: Export without TLS.
            type: bool
          timeout:
            description: Export timeout in seconds.
            type: int
  upload_purging:
    description: Purging of abandoned uploads.
    type: dict
    suboptions:
      enabled:
        description: Purge uploads.
        type: bool
      age:
        description: Age of uploads purged, whole hours of at least 2 (C(168h)).
        type: str
      interval:
        description: Time between purges, whole hours of at least 2 (C(24h)).
        type: str
      dryrun:
        description: Only report what would be purged.
        type: bool
  cache:
    description: The Redis cache layer (keep it the same on every node of an HA setup).
    type: dict
    suboptions:
      enabled:
        description: Cache projects, repositories, artifacts and manifests in Redis.
        type: bool
      expire_hours:
        description: Hours an entry is kept, above 0.
        type: int
  core:
    description: Harbor core.
    type: dict
    suboptions:
      quota_update_provider:
        description: C(db) or C(redis), how quota usage is updated.
        type: str
notes:
  - Harbor reads C(harbor.yml) only through C(prepare); run it and C(docker compose up -d) when RV(restart_required) is true.
    Note that C(prepare) regenerates the components' secrets on every run.
  - O(harbor_admin_password) and O(database.password) are applied only at the first install.
  - A new file gets mode C(0600) (it holds passwords) unless O(mode) is given.
  - The certificate, key and CA files named here are read on the target, which is where C(prepare) runs.
  - Checked against C(prepare)'s source and the template of installer v2.16; C(prepare) itself was not run by the tests.
requirements:
  - PyYAML on the target
seealso:
  - name: Harbor's configuration file
    description: The upstream description of every key.
    link: https://goharbor.io/docs/main/install-config/configure-yml-file/
author:
  - anchorage.registry contributors (@anchorage-registry)
"""

EXAMPLES = r"""
- name: A single Harbor node over HTTPS, images on local disk
  anchorage.registry.harbor_config:
    path: /opt/harbor/v2.16.0/harbor.yml
    hostname: harbor.example.com
    http:
      port: 80
    https:
      port: 443
      certificate: /etc/harbor/tls/harbor.crt
      private_key: /etc/harbor/tls/harbor.key
    harbor_admin_password: "{{ harbor_admin_password }}"
    database:
      password: "{{ harbor_db_password }}"
    data_volume: /data
  register: harbor_yml

- name: An HA node - S3, external PostgreSQL and Redis Sentinel
  anchorage.registry.harbor_config:
    path: /opt/harbor/v2.16.0/harbor.yml
    hostname: harbor.example.com
    external_url: https://harbor.example.com
    harbor_admin_password: "{{ harbor_admin_password }}"
    storage_service:
      s3:
        region: us-east-1
        bucket: harbor
        regionendpoint: http://10.0.0.20:9000
        accesskey: "{{ s3_access_key }}"
        secretkey: "{{ s3_secret_key }}"
        secure: false
    external_database:
      harbor:
        host: 10.0.0.30
        port: 5432
        db_name: registry
        username: harbor
        password: "{{ harbor_db_password }}"
        ssl_mode: require
    external_redis:
      host: 10.0.0.31:26379,10.0.0.32:26379,10.0.0.33:26379
      sentinel_master_set: harbor
      password: "{{ redis_password }}"
    upload_purging:
      enabled: true
      age: 168h
      interval: 24h
"""

RETURN = r"""
restart_required:
  description: The file changed (or would, in check mode); run prepare, then docker compose up -d.
  returned: always
  type: bool
  sample: true
reload_required:
  description: Always false; Harbor has no reload of harbor.yml.
  returned: always
  type: bool
config:
  description: The harbor.yml data written, in the template's order, with every secret replaced by C(********).
  returned: always
  type: dict
  sample:
    hostname: harbor.example.com
    https:
      port: 443
      certificate: /etc/harbor/tls/harbor.crt
      private_key: /etc/harbor/tls/harbor.key
    harbor_admin_password: "********"
    database:
      password: "********"
    data_volume: /data
    _version: 2.15.0
prepare_checksum:
  description:
    - SHA-256 of the harbor.yml data but C(harbor_admin_password), which Harbor reads at its first start only - what
      prepare's output depends on afterwards. A role runs prepare again when it differs from the last one applied.
  returned: always
  type: str
  sample: 5f0c0b4e9a6b8f1c3d2e7a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d
backup_file:
  description: The backup of the previous file.
  returned: when O(backup=true) and the file changed
  type: str
  sample: /opt/harbor/v2.16.0/harbor.yml.12345.2026-12-01@10:00:00~
"""

from ansible_collections.anchorage.registry.plugins.module_utils._config_file import file_options, run
from ansible_collections.anchorage.registry.plugins.module_utils._harbor import HarborConfig


def _options(**options):
    return dict(type="dict", options=options)


def _enabled():
    return _options(enabled=dict(type="bool"))


def main():
    db_tuning = dict(max_idle_conns=dict(type="int"), max_open_conns=dict(type="int"),
                     conn_max_lifetime=dict(type="str"), conn_max_idle_time=dict(type="str"))
    indexes = dict((name, dict(type="int")) for name in (
        "registry_db_index", "jobservice_db_index", "trivy_db_index", "harbor_db_index", "cache_layer_db_index"))
    argument_spec = file_options(
        path=dict(type="path"),
        hostname=dict(type="str", required=True),
        http=_options(port=dict(type="int")),
        https=_options(port=dict(type="int"), certificate=dict(type="str"),
                       private_key=dict(type="str", no_log=False), strong_ssl_ciphers=dict(type="bool")),
        ip_family=_options(ipv4=_enabled(), ipv6=_enabled()),
        internal_tls=_options(enabled=dict(type="bool"), dir=dict(type="str"), strong_ssl_ciphers=dict(type="bool")),
        external_url=dict(type="str"),
        harbor_admin_password=dict(type="str", required=True, no_log=True),
        database=_options(password=dict(type="str", required=True, no_log=True), **db_tuning),
        data_volume=dict(type="str", default="/data"),
        storage_service=_options(
            ca_bundle=dict(type="str"),
            redirect=_options(disable=dict(type="bool")),
            # Free-form: every driver key is checked by _harbor, secrets in them masked.
            **dict((driver, dict(type="dict")) for driver in ("filesystem", "s3", "azure", "gcs", "swift", "oss"))),
        trivy=_options(
            ignore_unfixed=dict(type="bool"), skip_update=dict(type="bool"), skip_java_db_update=dict(type="bool"),
            db_repository=dict(type="str"), java_db_repository=dict(type="str"), offline_scan=dict(type="bool"),
            security_check=dict(type="str"), insecure=dict(type="bool"), timeout=dict(type="str"),
            github_token=dict(type="str", no_log=True)),
        jobservice=_options(max_job_workers=dict(type="int"), max_job_duration_hours=dict(type="int"),
                            job_loggers=dict(type="list", elements="str"), logger_sweeper_duration=dict(type="int")),
        notification=_options(webhook_job_max_retry=dict(type="int"), webhook_job_http_client_timeout=dict(type="int")),
        log=_options(
            level=dict(type="str"),
            local=_options(rotate_count=dict(type="int"), rotate_size=dict(type="str"), location=dict(type="str")),
            external_endpoint=_options(protocol=dict(type="str"), host=dict(type="str"), port=dict(type="int"))),
        config_version=dict(type="str", default="2.15.0"),
        external_database=_options(harbor=_options(
            host=dict(type="str"), port=dict(type="int"), db_name=dict(type="str"), username=dict(type="str"),
            password=dict(type="str", no_log=True), ssl_mode=dict(type="str"), **db_tuning)),
        redis=_options(**indexes),
        external_redis=_options(
            host=dict(type="str", required=True), password=dict(type="str", no_log=True), username=dict(type="str"),
            sentinel_master_set=dict(type="str"), tlsOptions=_options(enable=dict(type="bool"), rootCA=dict(type="str")),
            idle_timeout_seconds=dict(type="int"), **indexes),
        uaa=_options(ca_file=dict(type="str")),
        proxy=_options(http_proxy=dict(type="str"), https_proxy=dict(type="str"), no_proxy=dict(type="str"),
                       components=dict(type="list", elements="str")),
        metric=_options(enabled=dict(type="bool"), port=dict(type="int"), path=dict(type="str")),
        trace=_options(
            enabled=dict(type="bool"), sample_rate=dict(type="float"), namespace=dict(type="str"),
            attributes=dict(type="dict"),
            jaeger=_options(endpoint=dict(type="str"), username=dict(type="str"), password=dict(type="str", no_log=True),
                            agent_host=dict(type="str"), agent_port=dict(type="int")),
            otel=_options(endpoint=dict(type="str"), url_path=dict(type="str"), compression=dict(type="bool"),
                          insecure=dict(type="bool"), timeout=dict(type="int"))),
        upload_purging=_options(enabled=dict(type="bool"), age=dict(type="str"), interval=dict(type="str"),
                                dryrun=dict(type="bool")),
        cache=_options(enabled=dict(type="bool"), expire_hours=dict(type="int")),
        core=_options(quota_update_provider=dict(type="str")),
    )
    run(HarborConfig(), argument_spec, add_file_common_args=True, supports_check_mode=True)


if __name__ == "__main__":
    main()
