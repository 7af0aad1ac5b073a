# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import base64
import json

import kubernetes_validate
import pytest

from ansible_collections.anchorage.registry.plugins.filter.zot_manifests import role_settings
from ansible_collections.anchorage.registry.plugins.module_utils import _manifests
from ansible_collections.anchorage.registry.plugins.module_utils._kube_apply import parse_selector, selector_matches
from ansible_collections.anchorage.registry.plugins.module_utils._zot import build_config, check_config, render

# The oldest and newest Kubernetes versions kubernetes-validate ships schemas for, and one between.
KUBERNETES_VERSIONS = ("1.25", "1.31", "1.37")
S3 = {"name": "s3", "regionendpoint": "http://minio.minio.svc.cluster.local:9000", "region": "us-east-1",
      "bucket": "zot", "secure": False, "skipverify": True}
ADMIN = {"name": "admin", "password": "correct horse battery staple"}
SETTINGS = role_settings()


def config_json(**sections):
    config, errors, _notes = build_config(sections)
    assert errors == [] and check_config(config) == []
    return render(config)


AUTH_CONFIG = config_json(http={"auth": {"htpasswd": {"path": "/etc/zot/auth/htpasswd"}}})


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
}
CONFIGS = {
    "seed-000": None,
    "auth-ingress-nginx": AUTH_CONFIG,
    "s3-secret": config_json(storage={"rootDirectory": "/tmp/zot", "storageDriver": S3}),
}


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_manifest_is_valid_for_kubernetes(name, version):
    manifests = render_ok(CONFIGS[name], **SPECS[name])
    assert len(manifests) >= 4
    for obj in manifests:
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
        "http.tls: the config serves TLS; tls_secret must name a kubernetes.io/tls Secret to mount"]


def test_storage_mismatches():
    assert errors_of(replicas=2) == [
        "replicas: 2 zot replicas need shared cloud storage (storage.storageDriver with a cacheDriver) or a scale-out "
        "cluster section; on a volume each replica keeps its own database"]
    s3 = CONFIGS["s3-secret"]
    assert errors_of(s3, replicas=2) == [
        "replicas: 2 replicas cannot share a ReadWriteOnce volume; set persistence false (S3 keeps the images) or use "
        "ReadWriteMany"]
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
