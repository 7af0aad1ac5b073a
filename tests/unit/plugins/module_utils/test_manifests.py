# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import base64
import json
import subprocess

import kubernetes_validate
import pytest

from ansible_collections.anchorage.registry.plugins.filter.zot_manifests import role_settings
from ansible_collections.anchorage.registry.plugins.module_utils import _kube_apply, _manifests
from ansible_collections.anchorage.registry.plugins.module_utils._kube_apply import parse_selector, selector_matches
from ansible_collections.anchorage.registry.plugins.module_utils._zot import build_config, check_config, render

# The oldest and newest Kubernetes versions kubernetes-validate ships schemas for, and one between.
KUBERNETES_VERSIONS = ("1.25", "1.31", "1.37")
S3 = {"name": "s3", "regionendpoint": "http://minio.minio.svc.cluster.local:9000", "region": "us-east-1",
      "bucket": "zot", "secure": False, "skipverify": True}
ADMIN = {"name": "admin", "password": "correct horse battery staple"}
SETTINGS = role_settings()


def config_json(**sections):
    config, errors, _notes, _warnings = build_config(sections)
    assert errors == [] and check_config(config) == []
    return render(config)


AUTH_CONFIG = config_json(http={"auth": {"htpasswd": {"path": "/etc/zot/auth/htpasswd"}}})
S3_REDIS = config_json(storage={"rootDirectory": "/tmp/zot", "storageDriver": S3,
                                "cacheDriver": {"name": "redis", "url": "redis://redis:6379"}})
MEMBERS = ["zot-%d.zot-headless.zot-registry.svc.cluster.local:5000" % index for index in range(3)]
HASH_KEY = "0123456789abcdef"
CLUSTER = config_json(cluster={"members": MEMBERS, "hashKey": _manifests.HASH_KEY_STAND_IN})
LDAP = {"address": "ldap.example.com", "baseDN": "dc=example,dc=com", "userAttribute": "uid",
        "credentialsFile": "/etc/zot/ldap/credentials.json"}
METRICS = config_json(extensions={"metrics": {"enable": True}, "search": {"enable": True}})
# Custom resources: kubernetes-validate has schemas for Kubernetes' own kinds only.
CUSTOM = ("ServiceMonitor", "HelmChartConfig")


def render_ok(config_text=None, **spec):
    manifests, errors = _manifests.zot_manifests(config_text or config_json(), spec, SETTINGS)
    assert errors == []
    return manifests


def errors_of(config_text=None, **spec):
    manifests, errors = _manifests.zot_manifests(config_text or config_json(), spec, SETTINGS)
    assert manifests == []
    return errors


def by_kind(manifests):
    return dict((obj["kind"], obj) for obj in manifests)


def container(manifests):
    return by_kind(manifests)["Deployment"]["spec"]["template"]["spec"]["containers"][0]


def env_of(manifests):
    return dict((item["name"], item) for item in container(manifests).get("env", []))


# --- validity against Kubernetes' own schemas --------------------------------------------------

SPECS = {
    "seed-000": dict(pvc_storage_class="longhorn", pvc_size="200Gi", node_port=30500,
                     resources={"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"cpu": "1", "memory": "1Gi"}}),
    "auth-ingress-nginx": dict(htpasswd_users=[ADMIN], ingress=True, ingress_class_name="nginx",
                               ingress_host="zot.example.com", ingress_tls_secret="zot-tls", service_type="ClusterIP",
                               arch="amd64", tolerations=[{"key": "registry", "operator": "Exists"}]),
    "s3-secret": dict(persistence=False, s3_credentials_secret="minio", s3_credentials_keys={"access_key": "A"},
                      arch="arm64", env={"TZ": "UTC"}),
    "s3-redis-replicas": dict(persistence=False, replicas=3, affinity={"nodeAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [
            {"key": "node-role", "operator": "In", "values": ["registry"]}]}]}}}, priority_class_name="system-cluster-critical",
        service_account="zot", image_pull_secrets=["ghcr-pull"], pod_labels={"team": "platform"}),
    "cluster": dict(cluster=True, replicas=3, cluster_hash_key=HASH_KEY, pvc_storage_class="longhorn"),
    "seed-001-probes-traefik": dict(
        strategy="RollingUpdate", persistence=False, namespace_labels={"goldilocks.fairwinds.com/enabled": "true"},
        namespace_annotations={"owner": "platform"},
        startup_probe={"tcpSocket": {"port": "http"}, "initialDelaySeconds": 5, "periodSeconds": 5, "failureThreshold": 30},
        liveness_probe={"tcpSocket": {"port": "http"}, "initialDelaySeconds": 30, "periodSeconds": 10},
        readiness_probe={"tcpSocket": {"port": "http"}, "initialDelaySeconds": 30, "periodSeconds": 10},
        ingress=True, ingress_class_name="traefik", ingress_host="zot.example.com", traefik_helm_chart_config=True,
        service_type="ClusterIP"),
    "ldap-files-metrics": dict(secret_files=[{"path": "/etc/zot/ldap/credentials.json", "secret": "ldap-bind",
                                              "key": "credentials.json"}],
                               extra_volumes=[{"name": "scratch", "emptyDir": {"sizeLimit": "1Gi"}}],
                               extra_volume_mounts=[{"name": "scratch", "mountPath": "/scratch"}],
                               service_monitor=True, host_port=5000),
}
CONFIGS = {
    "seed-000": None,
    "auth-ingress-nginx": AUTH_CONFIG,
    "s3-secret": config_json(storage={"rootDirectory": "/tmp/zot", "storageDriver": S3}),
    "s3-redis-replicas": S3_REDIS,
    "cluster": CLUSTER,
    "seed-001-probes-traefik": None,
    "ldap-files-metrics": config_json(http={"auth": {"ldap": LDAP}}, extensions={"metrics": {"enable": True}}),
}


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_manifest_is_valid_for_kubernetes(name, version):
    manifests = render_ok(CONFIGS[name], **SPECS[name])
    assert len(manifests) >= 4
    for obj in manifests:
        if obj["kind"] not in CUSTOM:
            # strict: unknown fields are errors too.
            kubernetes_validate.validate(obj, version, strict=True)


def test_the_validator_does_catch_a_broken_manifest():
    obj = by_kind(render_ok())["Service"]
    obj["spec"]["ports"][0]["nodePort"] = "30500"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(obj, "1.37", strict=True)


# --- what is rendered --------------------------------------------------------------------------

def test_seed_000_profile():
    manifests = render_ok(**SPECS["seed-000"])
    assert [obj["kind"] for obj in manifests] == [
        "Namespace", "ConfigMap", "PersistentVolumeClaim", "Deployment", "Service"]
    objects = by_kind(manifests)
    assert objects["PersistentVolumeClaim"]["spec"] == {
        "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "200Gi"}}, "storageClassName": "longhorn"}
    assert objects["Service"]["spec"]["type"] == "NodePort"
    assert objects["Service"]["spec"]["ports"] == [
        {"name": "http", "port": 5000, "targetPort": "http", "protocol": "TCP", "nodePort": 30500}]
    deployment = objects["Deployment"]["spec"]
    assert deployment["strategy"] == {"type": "Recreate"} and deployment["replicas"] == 1
    zot = container(manifests)
    assert zot["image"] == "ghcr.io/project-zot/zot:v2.1.20"
    assert zot["resources"]["limits"] == {"cpu": "1", "memory": "1Gi"}
    assert zot["ports"] == [{"name": "http", "containerPort": 5000, "protocol": "TCP"}]
    assert {"name": "data", "mountPath": "/var/lib/registry"} in zot["volumeMounts"]
    assert json.loads(objects["ConfigMap"]["data"]["config.json"])["http"]["compat"] == ["docker2s2"]
    assert "nodeSelector" not in deployment["template"]["spec"]


def test_every_object_carries_the_prune_selector_labels():
    spec = SPECS["auth-ingress-nginx"]
    selector = parse_selector(_manifests.prune_selector(_manifests.with_defaults(spec, SETTINGS)))
    for obj in render_ok(AUTH_CONFIG, **spec):
        assert selector_matches(obj["metadata"]["labels"], selector), obj["kind"]
    other = parse_selector(_manifests.prune_selector({"name": "other"}))
    assert not selector_matches(render_ok()[0]["metadata"]["labels"], other)


def test_pods_roll_when_the_config_changes_and_only_then():
    first = container(render_ok())
    annotations = by_kind(render_ok())["Deployment"]["spec"]["template"]["metadata"]["annotations"]
    again = by_kind(render_ok())["Deployment"]["spec"]["template"]["metadata"]["annotations"]
    changed = by_kind(render_ok(config_json(log={"level": "debug"})))["Deployment"]["spec"]["template"]["metadata"]
    assert first["image"]
    assert annotations == again
    assert changed["annotations"]["anchorage.registry/config-sha256"] != annotations["anchorage.registry/config-sha256"]


def test_probes_use_zots_unauthenticated_health_endpoints_with_auth_on():
    zot = container(render_ok(AUTH_CONFIG, htpasswd_users=[ADMIN]))
    assert zot["startupProbe"]["httpGet"] == {"path": "/startupz", "port": "http", "scheme": "HTTP"}
    assert zot["livenessProbe"]["httpGet"]["path"] == "/livez"
    assert zot["readinessProbe"]["httpGet"]["path"] == "/readyz"
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        assert "httpHeaders" not in zot[probe]["httpGet"]


def test_htpasswd_users_go_to_a_secret_mounted_where_the_config_says(tmp_path, apache_verifies):
    manifests = render_ok(AUTH_CONFIG, htpasswd_users=[ADMIN, {"name": "ci", "password": "p@ss:word"}])
    secret = by_kind(manifests)["Secret"]
    text = base64.b64decode(secret["data"]["htpasswd"]).decode()
    assert text.startswith("admin:$2y$10$") and "\nci:$2y$10$" in text
    path = tmp_path / "htpasswd"
    path.write_text(text)
    assert apache_verifies(path, "admin", ADMIN["password"]) and apache_verifies(path, "ci", "p@ss:word")
    assert not apache_verifies(path, "admin", "wrong")
    zot = container(manifests)
    assert {"name": "secret", "mountPath": "/etc/zot/auth/htpasswd", "subPath": "htpasswd", "readOnly": True} in zot["volumeMounts"]
    volumes = by_kind(manifests)["Deployment"]["spec"]["template"]["spec"]["volumes"]
    assert {"name": "secret", "secret": {"secretName": "zot", "defaultMode": 0o440}} in volumes
    assert "anchorage.registry/secret-sha256" in by_kind(manifests)["Deployment"]["spec"]["template"]["metadata"]["annotations"]


def test_the_same_password_hashes_the_same_on_every_run_but_not_across_sites():
    one = _manifests.htpasswd_text([ADMIN], "zot-registry/zot")
    # Pinned: a different line for the same password would roll every deployment's pods.
    assert one == "admin:$2y$10$hFk9FBAn/PVj.j5hIsi6ROYDmLeDu2KKe2TFNeWgPvclirHBSKVvG\n"
    assert one == _manifests.htpasswd_text([ADMIN], "zot-registry/zot")
    assert one != _manifests.htpasswd_text([ADMIN], "other/zot")
    assert one != _manifests.htpasswd_text([dict(ADMIN, password="another")], "zot-registry/zot")


def test_an_existing_htpasswd_secret_is_mounted_instead():
    manifests = render_ok(AUTH_CONFIG, htpasswd_secret="zot-htpasswd", htpasswd_secret_key="users")
    assert "Secret" not in by_kind(manifests)
    assert {"name": "htpasswd", "mountPath": "/etc/zot/auth/htpasswd", "subPath": "users", "readOnly": True} in (
        container(manifests)["volumeMounts"])


def test_s3_credentials_from_an_existing_secret_with_its_own_key_names():
    config = CONFIGS["s3-secret"]
    manifests = render_ok(config, persistence=False, s3_credentials_secret="minio-s3-credentials",
                          s3_credentials_keys={"access_key": "MINIO_ACCESS_KEY_ID", "secret_key": "MINIO_SECRET_ACCESS_KEY",
                                               "region": "MINIO_REGION"})
    env = env_of(manifests)
    assert env["AWS_ACCESS_KEY_ID"]["valueFrom"]["secretKeyRef"] == {
        "name": "minio-s3-credentials", "key": "MINIO_ACCESS_KEY_ID", "optional": False}
    assert env["AWS_REGION"]["valueFrom"]["secretKeyRef"]["optional"] is True
    assert "PersistentVolumeClaim" not in by_kind(manifests)
    volumes = by_kind(manifests)["Deployment"]["spec"]["template"]["spec"]["volumes"]
    assert {"name": "data", "emptyDir": {}} in volumes


def test_a_partial_s3_credentials_keys_keeps_the_default_names_it_leaves_out():
    env = env_of(render_ok(CONFIGS["s3-secret"], **SPECS["s3-secret"]))
    assert env["AWS_ACCESS_KEY_ID"]["valueFrom"]["secretKeyRef"]["key"] == "A"
    assert env["AWS_SECRET_ACCESS_KEY"]["valueFrom"]["secretKeyRef"]["key"] == "AWS_SECRET_ACCESS_KEY"


def test_keys_the_spec_leaves_out_take_the_roles_defaults():
    zot = container(render_ok())
    assert zot["resources"] == {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"cpu": "1", "memory": "1Gi"}}
    assert zot["image"] == "ghcr.io/project-zot/zot:v2.1.20" and zot["imagePullPolicy"] == "IfNotPresent"


def test_inline_s3_credentials_go_to_the_secret():
    manifests = render_ok(CONFIGS["s3-secret"], persistence=False, s3_access_key="AKIA", s3_secret_key="shh",
                          s3_region="us-east-1")
    secret = by_kind(manifests)["Secret"]
    assert sorted(secret["data"]) == ["AWS_ACCESS_KEY_ID", "AWS_REGION", "AWS_SECRET_ACCESS_KEY"]
    assert base64.b64decode(secret["data"]["AWS_SECRET_ACCESS_KEY"]) == b"shh"
    assert env_of(manifests)["AWS_SECRET_ACCESS_KEY"]["valueFrom"]["secretKeyRef"] == {
        "name": "zot", "key": "AWS_SECRET_ACCESS_KEY"}


def test_sync_credentials_file():
    config = config_json(extensions={"sync": {"credentialsFile": "/etc/zot/auth/sync.json",
                                              "registries": [{"urls": ["https://ghcr.io"], "onDemand": True}]}})
    manifests = render_ok(config, sync_credentials={"ghcr.io": {"username": "bot", "password": "token"}})
    data = json.loads(base64.b64decode(by_kind(manifests)["Secret"]["data"]["sync-credentials.json"]))
    assert data == {"ghcr.io": {"username": "bot", "password": "token"}}
    assert {"name": "secret", "mountPath": "/etc/zot/auth/sync.json", "subPath": "sync-credentials.json",
            "readOnly": True} in container(manifests)["volumeMounts"]


def test_ingress_for_large_uploads():
    nginx = by_kind(render_ok(ingress=True, ingress_class_name="nginx", ingress_host="zot.example.com",
                              ingress_tls_secret="zot-tls", ingress_annotations={"a": "b"}))["Ingress"]
    assert nginx["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-body-size"] == "0"
    assert nginx["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-read-timeout"] == "1200"
    assert nginx["metadata"]["annotations"]["a"] == "b"
    assert nginx["spec"]["tls"] == [{"hosts": ["zot.example.com"], "secretName": "zot-tls"}]
    assert nginx["spec"]["ingressClassName"] == "nginx"
    traefik = by_kind(render_ok(ingress=True, ingress_class_name="traefik", ingress_host="zot.example.com",
                                ingress_annotations={"cert-manager.io/cluster-issuer": "le"}))["Ingress"]
    assert traefik["metadata"]["annotations"] == {"cert-manager.io/cluster-issuer": "le"}


def test_tls_served_by_zot_itself():
    config = config_json(http={"tls": {"cert": "/etc/zot/tls/tls.crt", "key": "/etc/zot/tls/tls.key"}})
    zot = container(render_ok(config, tls_secret="zot-serving"))
    assert zot["readinessProbe"]["httpGet"]["scheme"] == "HTTPS"
    assert {"name": "tls", "mountPath": "/etc/zot/tls/tls.key", "subPath": "tls.key", "readOnly": True} in zot["volumeMounts"]


def test_cluster_ip_and_arch():
    manifests = render_ok(service_type="ClusterIP", arch="arm64")
    assert "nodePort" not in by_kind(manifests)["Service"]["spec"]["ports"][0]
    assert by_kind(manifests)["Deployment"]["spec"]["template"]["spec"]["nodeSelector"] == {"kubernetes.io/arch": "arm64"}


def test_several_replicas_on_s3_roll_one_at_a_time():
    config = config_json(storage={"rootDirectory": "/tmp/zot", "storageDriver": S3, "dedupe": True,
                                  "cacheDriver": {"name": "redis", "url": "redis://redis:6379"}})
    deployment = by_kind(render_ok(config, persistence=False, replicas=3))["Deployment"]
    assert deployment["spec"]["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}}


# --- refusals --------------------------------------------------------------------------------------

@pytest.mark.parametrize("port", [40000, 29999, 80, "30500"])
def test_node_port_outside_the_range(port):
    assert errors_of(node_port=port) == [
        "node_port: %r is outside Kubernetes' NodePort range 30000-32767 (0 lets Kubernetes pick one)" % (port,)]


def test_node_port_zero_and_cluster_ip_are_fine():
    assert "nodePort" not in by_kind(render_ok(node_port=0))["Service"]["spec"]["ports"][0]
    render_ok(service_type="ClusterIP", node_port=40000)


def test_auth_mismatches():
    assert errors_of(AUTH_CONFIG) == [
        "http.auth.htpasswd.path is '/etc/zot/auth/htpasswd' but neither htpasswd_users nor htpasswd_secret provides it"]
    assert errors_of(htpasswd_users=[ADMIN]) == [
        "htpasswd_users/htpasswd_secret: the config has no http.auth.htpasswd.path to mount it at"]
    assert errors_of(AUTH_CONFIG, htpasswd_users=[ADMIN], htpasswd_secret="x") == [
        "htpasswd_users, htpasswd_secret: give one of them, not both"]
    assert errors_of(AUTH_CONFIG, htpasswd_users=[{"name": "a:b", "password": ""}]) == [
        "htpasswd_users[0].name: 'a:b' must not contain ':' or a line break",
        "htpasswd_users[0].password: must not be empty (user 'a:b')"]
    assert errors_of(sync_credentials={"ghcr.io": {"username": "u", "password": "p"}}) == [
        "sync_credentials: the config has no extensions.sync.credentialsFile to mount them at"]
    assert errors_of(config_json(http={"tls": {"cert": "/c", "key": "/k"}})) == [
        "http.tls: the config serves TLS; give tls_certificate and tls_key, or tls_secret naming a kubernetes.io/tls "
        "Secret to mount"]


SHARED = ("replicas: 2 zot replicas behind one Service must share their state, which zot does only with cloud storage "
          "and a remote cache: storage.storageDriver (s3, gcs or azure) and storage.cacheDriver (redis or dynamodb, "
          "remoteCache on); or set cluster: true for zot's scale-out cluster (a StatefulSet, each member owning its "
          "repositories)")


def test_storage_mismatches():
    assert errors_of(replicas=2) == [SHARED]
    s3 = CONFIGS["s3-secret"]
    # Two replicas on S3 without a cache driver: each would keep its own BoltDB (issue 12).
    assert errors_of(s3, replicas=2, persistence=False) == [SHARED]
    # A cache driver with dedupe off and remoteCache unset: zot keeps the cache local (applyDefaultValues).
    local_cache = config_json(storage={"rootDirectory": "/tmp/zot", "storageDriver": S3, "dedupe": False,
                                       "cacheDriver": {"name": "redis", "url": "redis://redis:6379"}})
    assert errors_of(local_cache, replicas=2, persistence=False) == [SHARED]
    assert errors_of(S3_REDIS, replicas=2) == [
        "replicas: 2 replicas cannot share a ReadWriteOnce volume; set persistence false (the bucket keeps the images) "
        "or use ReadWriteMany"]
    assert errors_of(s3_access_key="a", s3_secret_key="b") == [
        "s3_*: S3 credentials are set but storage.storageDriver is not s3"]
    assert errors_of(s3, persistence=False, s3_access_key="a") == ["s3_access_key, s3_secret_key: give both or neither"]
    assert errors_of(pvc_size="200GB") == ["pvc_size: '200GB' is not a Kubernetes quantity (e.g. 500m, 256Mi, 200Gi)"]
    assert errors_of(config_json(storage={"rootDirectory": "data"})) == [
        "storage.rootDirectory: 'data' must be an absolute path inside the container"]


def test_other_refusals():
    assert errors_of(name="Zot_Registry") == [
        "name: 'Zot_Registry' must be a DNS label (lower-case letters, digits, '-', at most 63)"]
    assert errors_of(arch="riscv64") == ["arch: 'riscv64' is not one of amd64, arm64 (or empty for any)"]
    # The role's choices, checked for every key that has them (persistence or not).
    assert errors_of(service_type="ExternalName", image_pull_policy="always", persistence=False, pvc_access_mode="RWO") == [
        "image_pull_policy: 'always' is not one of Always, IfNotPresent, Never",
        "pvc_access_mode: 'RWO' is not one of ReadWriteOnce, ReadWriteOncePod, ReadWriteMany",
        "service_type: 'ExternalName' is not one of NodePort, ClusterIP, LoadBalancer"]
    assert errors_of(ingress=True, ingress_tls_secret="t") == ["ingress_tls_secret: TLS on the Ingress needs ingress_host"]
    assert errors_of(ingress=True, ingress_host="https://zot.example.com") == [
        "ingress_host: 'https://zot.example.com' is not a DNS name (no scheme, port or path)"]
    assert errors_of(resources={"requests": {"memory": "1 GB"}}) == [
        "resources.requests.memory: '1 GB' is not a Kubernetes quantity (e.g. 500m, 256Mi, 200Gi)"]
    assert errors_of("{not json") == ["config: not JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"]


# --- scale-out ---------------------------------------------------------------------------------

def test_replicas_on_shared_state_get_a_disruption_budget_and_a_spread_over_nodes():
    objects = by_kind(render_ok(S3_REDIS, **SPECS["s3-redis-replicas"]))
    assert objects["PodDisruptionBudget"]["spec"] == {
        "maxUnavailable": 1, "selector": {"matchLabels": {"app.kubernetes.io/name": "zot", "app.kubernetes.io/instance": "zot"}}}
    pod = objects["Deployment"]["spec"]["template"]["spec"]
    assert pod["topologySpreadConstraints"][0]["topologyKey"] == "kubernetes.io/hostname"
    assert pod["affinity"]["nodeAffinity"] and pod["priorityClassName"] == "system-cluster-critical"
    assert pod["serviceAccountName"] == "zot" and pod["imagePullSecrets"] == [{"name": "ghcr-pull"}]
    assert objects["Deployment"]["spec"]["template"]["metadata"]["labels"]["team"] == "platform"
    single = by_kind(render_ok())
    assert "PodDisruptionBudget" not in single and "topologySpreadConstraints" not in single["Deployment"]["spec"]["template"]["spec"]


def test_cluster_mode_is_a_statefulset_with_a_headless_service_and_the_key_in_a_secret():
    manifests = render_ok(CLUSTER, **SPECS["cluster"])
    assert [obj["kind"] for obj in manifests] == [
        "Namespace", "Secret", "StatefulSet", "Service", "Service", "PodDisruptionBudget"]
    objects = dict(((obj["kind"], obj["metadata"]["name"]), obj) for obj in manifests)
    headless = objects["Service", "zot-headless"]["spec"]
    assert headless["clusterIP"] == "None" and headless["publishNotReadyAddresses"] is True
    statefulset = objects["StatefulSet", "zot"]["spec"]
    assert statefulset["serviceName"] == "zot-headless" and statefulset["podManagementPolicy"] == "Parallel"
    assert statefulset["volumeClaimTemplates"][0]["spec"]["storageClassName"] == "longhorn"
    config = json.loads(base64.b64decode(objects["Secret", "zot"]["data"]["config.json"]))
    assert config["cluster"] == {"members": MEMBERS, "hashKey": HASH_KEY}
    mounts = statefulset["template"]["spec"]["containers"][0]["volumeMounts"]
    assert {"name": "secret", "mountPath": "/etc/zot/config.json", "subPath": "config.json", "readOnly": True} in mounts
    assert HASH_KEY not in json.dumps([obj for obj in manifests if obj["kind"] != "Secret"])


def test_cluster_refusals():
    assert errors_of(CLUSTER) == ["cluster: the config has a cluster section; set cluster: true so that members run as "
                                  "a StatefulSet with stable names"]
    assert errors_of(CLUSTER, cluster=True, replicas=2, cluster_hash_key=HASH_KEY) == [
        "cluster.members: must be the StatefulSet's pods, zot-0.zot-headless.zot-registry.svc.cluster.local:5000, "
        "zot-1.zot-headless.zot-registry.svc.cluster.local:5000"]
    assert errors_of(CLUSTER, cluster=True, replicas=3, cluster_hash_key="ключ") == [
        "cluster_hash_key: must be exactly 16 bytes (zot's siphash key)"]
    assert errors_of(CLUSTER, cluster=True, replicas=3, cluster_hash_key=HASH_KEY, strategy="Recreate") == [
        "strategy: a StatefulSet (cluster: true) always rolls one member at a time"]


# --- what seeds 000-002 need -------------------------------------------------------------------

def test_seed_001_probes_strategy_namespace_metadata_and_traefik():
    objects = by_kind(render_ok(**SPECS["seed-001-probes-traefik"]))
    zot = objects["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    assert zot["startupProbe"] == {"tcpSocket": {"port": "http"}, "initialDelaySeconds": 5, "periodSeconds": 5,
                                   "failureThreshold": 30}
    assert zot["readinessProbe"]["initialDelaySeconds"] == 30
    assert objects["Deployment"]["spec"]["strategy"]["type"] == "RollingUpdate"
    assert objects["Namespace"]["metadata"]["labels"]["goldilocks.fairwinds.com/enabled"] == "true"
    assert objects["Namespace"]["metadata"]["annotations"] == {"owner": "platform"}
    assert "annotations" not in objects["Ingress"]["metadata"]  # Traefik: nothing per Ingress
    values = json.loads(objects["HelmChartConfig"]["spec"]["valuesContent"])
    assert values["ports"]["websecure"]["transport"]["respondingTimeouts"]["readTimeout"] == "1200s"
    assert objects["HelmChartConfig"]["metadata"]["namespace"] == "kube-system"


@pytest.mark.parametrize("controller, class_name, nginx", [
    ("", "nginx", True), ("", "traefik", False), ("", "haproxy", False), ("", "", False),
    ("nginx", "nginx-internal", True), ("none", "nginx", False)])
def test_ingress_settings_by_controller(controller, class_name, nginx):
    ingress = by_kind(render_ok(ingress=True, ingress_class_name=class_name, ingress_controller=controller,
                                ingress_timeout=600))["Ingress"]
    annotations = ingress["metadata"].get("annotations", {})
    assert ("nginx.ingress.kubernetes.io/proxy-read-timeout" in annotations) is nginx
    if nginx:
        assert annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"] == "600"


def test_files_the_config_names_are_mounted_from_secrets_or_refused():
    objects = by_kind(render_ok(CONFIGS["ldap-files-metrics"], **SPECS["ldap-files-metrics"]))
    pod = objects["Deployment"]["spec"]["template"]["spec"]
    mounts = pod["containers"][0]["volumeMounts"]
    assert {"name": "file-ldap-bind", "mountPath": "/etc/zot/ldap/credentials.json", "subPath": "credentials.json",
            "readOnly": True} in mounts
    assert {"name": "scratch", "mountPath": "/scratch"} in mounts
    assert {"name": "file-ldap-bind", "secret": {"secretName": "ldap-bind", "defaultMode": 0o440}} in pod["volumes"]
    assert pod["containers"][0]["ports"][0]["hostPort"] == 5000
    assert errors_of(CONFIGS["ldap-files-metrics"]) == [
        "http.auth.ldap.credentialsFile is '/etc/zot/ldap/credentials.json': zot reads that file but nothing mounts it "
        "there; add a secret_files entry {path: /etc/zot/ldap/credentials.json, secret: <Secret>, key: <key>} or an "
        "extra_volume_mounts entry"]
    # A volume mounted at a parent directory provides the file too.
    assert render_ok(CONFIGS["ldap-files-metrics"], extra_volumes=[{"name": "ldap", "secret": {"secretName": "ldap"}}],
                     extra_volume_mounts=[{"name": "ldap", "mountPath": "/etc/zot/ldap"}])
    assert errors_of(secret_files=[{"path": "relative", "secret": "s", "key": "k"}]) == [
        "secret_files[0]: path must be absolute and secret a Secret's name"]


def test_metrics_get_a_service_monitor_or_scrape_annotations():
    objects = by_kind(render_ok(METRICS))
    annotations = objects["Deployment"]["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true" and annotations["prometheus.io/path"] == "/metrics"
    assert "ServiceMonitor" not in objects
    monitored = by_kind(render_ok(METRICS, service_monitor=True))
    assert monitored["ServiceMonitor"]["spec"]["endpoints"] == [
        {"port": "http", "path": "/metrics", "interval": "30s", "scheme": "http"}]
    assert "prometheus.io/scrape" not in monitored["Deployment"]["spec"]["template"]["metadata"]["annotations"]
    # Seed 002's "metrics": {} beside extensions with settings: zot's loader drops it, so no metrics.
    dropped = config_json(extensions={"metrics": {}, "lint": {"enable": True}})
    assert "prometheus.io/scrape" not in by_kind(render_ok(dropped))["Deployment"]["spec"]["template"]["metadata"]["annotations"]
    assert errors_of(dropped, service_monitor=True) == ["service_monitor: the config does not enable extensions.metrics"]


def test_pod_refusals():
    assert errors_of(pod_labels={"app.kubernetes.io/name": "other"}) == [
        "pod_labels: app.kubernetes.io/name are set by the role (selector and prune labels)"]
    assert errors_of(readiness_probe={"httpGet": {"path": "/"}, "tcpSocket": {"port": 5000}}) == [
        "readiness_probe: a probe needs exactly one of httpGet, tcpSocket, exec, grpc (e.g. {tcpSocket: {port: http}, "
        "periodSeconds: 10})"]
    assert errors_of(image_pull_secrets=["Bad_Name"]) == ["image_pull_secrets[0]: 'Bad_Name' is not a Secret name"]
    assert errors_of(strategy="RollingUpdate", pvc_access_mode="ReadWriteOncePod") == [
        "strategy: RollingUpdate starts the new pod before the old one stops, and a ReadWriteOncePod volume cannot be "
        "mounted by both; use Recreate"]
    assert errors_of(traefik_helm_chart_config=True, ingress=True, ingress_class_name="nginx") == [
        "traefik_helm_chart_config: the Ingress is not handled by Traefik (ingress_controller or ingress_class_name traefik)"]


@pytest.mark.parametrize("spec, message", [
    (dict(replicas=101), "replicas: 101 must be a whole number from 0 to 100"),
    (dict(pdb_max_unavailable=0), "pdb_max_unavailable: 0 is outside 1-100"),
    (dict(host_port=-1), "host_port: -1 is outside 0-65535"),
    (dict(ingress_timeout=100000), "ingress_timeout: 100000 is outside 1-86400 seconds"),
    (dict(service_port=65536), "service_port: 65536 is outside 1-65535"),
    (dict(ingress=True, ingress_body_size="lots"), "ingress_body_size: 'lots' is not a size such as 0 (no limit), 1g"),
    (dict(liveness_probe={"tcpSocket": {"port": "http"}, "periodSeconds": 0}),
     "liveness_probe.periodSeconds: 0 is outside 1-86400 seconds"),
    (dict(startup_probe={"tcpSocket": {"port": "http"}, "initialDelaySeconds": -1}),
     "startup_probe.initialDelaySeconds: -1 is outside 0-86400 seconds"),
    (dict(service_monitor_interval="30 seconds"), "service_monitor_interval: '30 seconds' is not a Prometheus duration"),
    (dict(service_monitor_interval="0s"), "service_monitor_interval: '0s' is not a Prometheus duration above 0"),
])
def test_every_number_has_its_range(spec, message):
    errors = errors_of(**spec)
    assert len(errors) == 1 and errors[0].startswith(message), errors


# --- TLS from a certificate: the role's kubernetes.io/tls Secret ----------------------------------

TLS_FILES = {"tls": {"cert": "/etc/zot/tls/tls.crt", "key": "/etc/zot/tls/tls.key"}}


@pytest.fixture(scope="module")
def server_pem(tmp_path_factory):
    """A certificate and its key in PEM form (openssl), as the certificates role hands them over."""
    root = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-days", "2", "-subj", "/CN=zot", "-keyout", str(root / "tls.key"), "-out", str(root / "tls.crt")],
                   check=True, capture_output=True)
    return (root / "tls.crt").read_text(), (root / "tls.key").read_text()


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_a_certificate_goes_into_a_kubernetes_tls_secret_mounted_where_http_tls_says(server_pem, version):
    certificate, key = server_pem
    manifests = render_ok(config_json(http=TLS_FILES), tls_certificate=certificate, tls_key=key)
    secret = [obj for obj in manifests if obj["kind"] == "Secret"][0]
    assert secret["type"] == "kubernetes.io/tls" and secret["metadata"]["name"] == "zot-server-tls"
    assert sorted(secret["data"]) == ["tls.crt", "tls.key"]
    assert base64.b64decode(secret["data"]["tls.key"]).decode() == key
    kubernetes_validate.validate(secret, version, strict=True)
    pod = by_kind(manifests)["Deployment"]["spec"]["template"]["spec"]
    assert {"name": "tls", "secret": {"secretName": "zot-server-tls", "defaultMode": 0o440}} in pod["volumes"]
    assert {"name": "tls", "mountPath": "/etc/zot/tls/tls.crt", "subPath": "tls.crt", "readOnly": True} in (
        pod["containers"][0]["volumeMounts"])
    assert pod["containers"][0]["livenessProbe"]["httpGet"]["scheme"] == "HTTPS"
    # Secret values are masked by manifest_apply (no_log), the key included.
    assert key in _kube_apply.secret_values(manifests)


def test_a_renewed_certificate_rolls_the_pods_and_only_the_certificate_does(server_pem, ca_pem):
    certificate, key = server_pem

    def annotations(certificate_text):
        template = by_kind(render_ok(config_json(http=TLS_FILES), tls_certificate=certificate_text, tls_key=key))
        return template["Deployment"]["spec"]["template"]["metadata"]["annotations"]

    first = annotations(certificate)
    assert first == annotations(certificate)
    renewed = annotations(ca_pem)  # another certificate (of the same key's holder, say)
    assert renewed["anchorage.registry/tls-sha256"] != first["anchorage.registry/tls-sha256"]
    assert renewed["anchorage.registry/config-sha256"] == first["anchorage.registry/config-sha256"]


def test_a_generated_certificate_not_issued_yet_mounts_the_secret_a_real_run_creates():
    manifests = render_ok(config_json(http=TLS_FILES), tls_generate=True)
    assert [obj for obj in manifests if obj["kind"] == "Secret"] == []
    pod = by_kind(manifests)["Deployment"]["spec"]["template"]["spec"]
    assert {"name": "tls", "secret": {"secretName": "zot-server-tls", "defaultMode": 0o440}} in pod["volumes"]


def test_tls_refusals(server_pem):
    certificate, key = server_pem
    tls = config_json(http=TLS_FILES)
    assert errors_of(tls_certificate=certificate, tls_key=key) == [
        "tls_certificate: the config has no http.tls.cert and http.tls.key to mount it at"]
    assert errors_of(tls, tls_certificate=certificate, tls_key=key, tls_secret="mine") == [
        "tls_certificate/tls_key, tls_secret: give a certificate and its key, or an existing Secret, not both"]
    assert errors_of(tls, tls_certificate=key, tls_key=certificate) == [
        "tls_certificate: holds a PRIVATE KEY: give only the certificate, never a key",
        "tls_key: is not one PEM private key (-----BEGIN PRIVATE KEY-----, RSA or EC)"]
    assert errors_of(tls, tls_certificate=certificate) == [
        "tls_key: is empty: give the private key in PEM form (-----BEGIN PRIVATE KEY-----)"]
    mtls = config_json(http={"tls": dict(TLS_FILES["tls"], cacert="/etc/zot/tls/ca.crt")})
    assert errors_of(mtls, tls_certificate=certificate, tls_key=key) == [
        "http.tls.cacert: the Secret made of tls_certificate holds tls.crt and tls.key only; give the clients' CA as "
        "ca.crt of a tls_secret instead"]
