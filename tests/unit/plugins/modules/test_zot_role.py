# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The zot role end to end: ``ansible-playbook anchorage.registry.zot`` with each seed's example
inventory, against kmock over HTTP (see kube_apiserver_mock). The objects the API server received
are then checked with kubernetes-validate against Kubernetes' own schemas (strict). The last tests
hold the role's defaults, vars and the manifest builder to meta/argument_specs.yml, where the role's
variables are declared once."""

from __future__ import annotations

import ast
import base64
import json
import os
import re
import subprocess
import urllib.request

import kubernetes_validate
import pytest
import yaml

from kube_apiserver_mock import Running
from oci_only import OciOnlyProxy

from ansible_collections.anchorage.registry.plugins.module_utils import _manifests

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
COLLECTIONS = os.path.join(ROOT, ".build", "collections")
PASSWORD = "seed-admin-password-1"
# The oldest and newest Kubernetes versions kubernetes-validate ships schemas for.
KUBERNETES_VERSIONS = ("1.25", "1.37")
# What the role applies, by plural: the emulated controller's Pods are left out.
APPLIED = ("namespaces", "secrets", "configmaps", "persistentvolumeclaims", "deployments", "statefulsets", "services",
           "poddisruptionbudgets", "ingresses", "servicemonitors", "helmchartconfigs")
# Custom resources: kubernetes-validate has no schema for them (their CRDs are not Kubernetes').
CUSTOM = ("ServiceMonitor", "HelmChartConfig", "Application", "Kustomization")
PLAYBOOK_TIMEOUT = 300
ROLE = os.path.join(ROOT, "roles", "zot")
# What each argument-spec type may hold (a null default means "unset", as zot_kube_validate_certs).
TYPES = {"str": str, "int": int, "bool": bool, "dict": dict, "list": list}


@pytest.fixture
def apiserver():
    with Running() as running:
        yield running


def play(apiserver, seed, *options, **extra_vars):
    """Run the zot playbook with a seed's inventory (or inventories: a list); returns (exit code, parsed JSON output)."""
    assert os.path.isdir(os.path.join(COLLECTIONS, "ansible_collections", "anchorage", "registry")), "run make venv"
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_STDOUT_CALLBACK="ansible.posix.json",
               ANSIBLE_NOCOLOR="1", ANSIBLE_RETRY_FILES_ENABLED="0", ZOT_ADMIN_PASSWORD=PASSWORD,
               PATH=os.path.join(ROOT, ".venv", "bin") + os.pathsep + os.environ.get("PATH", ""))
    env.pop("AWS_CA_BUNDLE", None)
    extra = dict({"zot_kube_host": apiserver.url, "zot_verify_url": "", "zot_wait_timeout": 20}, **extra_vars)
    inventories = []
    for name in [seed] if isinstance(seed, str) else seed:
        inventories += ["-i", os.path.join(ROOT, "examples", name, "inventory.yml")]
    done = subprocess.run(
        ["ansible-playbook"] + inventories + [os.path.join(ROOT, "playbooks", "zot.yml"), "-e", json.dumps(extra)]
        + list(options),
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=PLAYBOOK_TIMEOUT, check=False)
    try:
        output = json.loads(done.stdout)
    except ValueError:
        raise AssertionError("not JSON:\n%s\n%s" % (done.stdout, done.stderr))
    return done.returncode, output


def validate_all(objects):
    """Every object but the custom resources, against the oldest and newest Kubernetes schemas (strict)."""
    for obj in objects:
        if obj["kind"] not in CUSTOM:
            for version in KUBERNETES_VERSIONS:
                kubernetes_validate.validate(obj, version, strict=True)


def stats(output):
    return output["stats"]["localhost"]


def failure(output):
    for play_ in output["plays"]:
        for task in play_["tasks"]:
            result = task["hosts"].get("localhost", {})
            if result.get("failed"):
                return task["task"]["name"], result.get("msg", "")
    return None


def applied(apiserver):
    return dict((plural, apiserver.objects(plural)) for plural in APPLIED)


def one(apiserver, plural):
    objects = apiserver.objects(plural)
    assert len(objects) == 1, [obj["metadata"]["name"] for obj in objects]
    return objects[0]


def seed_000_longhorn_nodeport_no_auth(apiserver, output, tmp_path, apache_verifies):
    claim = one(apiserver, "persistentvolumeclaims")
    assert claim["spec"]["storageClassName"] == "longhorn"
    assert claim["spec"]["resources"]["requests"]["storage"] == "200Gi"
    service = one(apiserver, "services")
    assert service["spec"]["type"] == "NodePort" and service["spec"]["ports"][0]["nodePort"] == 30500
    assert apiserver.objects("secrets") == [] and apiserver.objects("ingresses") == []
    config = json.loads(one(apiserver, "configmaps")["data"]["config.json"])
    assert "auth" not in config["http"] and config["extensions"]["metrics"] == {"enable": False}
    assert config["extensions"]["search"] == {"enable": True} and config["extensions"]["ui"] == {"enable": True}
    container = one(apiserver, "deployments")["spec"]["template"]["spec"]["containers"][0]
    assert container["resources"] == {"requests": {"cpu": "100m", "memory": "256Mi"},
                                      "limits": {"cpu": "1000m", "memory": "1Gi"}}


def seed_001_s3_sync_ingress(apiserver, output, tmp_path, apache_verifies):
    config = json.loads(one(apiserver, "configmaps")["data"]["config.json"])
    assert config["storage"]["storageDriver"]["regionendpoint"] == "http://minio.minio.svc.cluster.local:9000"
    assert config["storage"]["retention"]["policies"][0]["keepTags"] == [{"mostRecentlyPushedCount": 1}]
    assert [registry["urls"][0] for registry in config["extensions"]["sync"]["registries"]] == [
        "https://registry-1.docker.io", "https://ghcr.io", "https://quay.io", "https://registry.k8s.io",
        "https://us-docker.pkg.dev", "https://gcr.io", "https://mirror.gcr.io"]
    assert config["http"]["auth"]["htpasswd"]["path"] == "/etc/zot/auth/htpasswd"
    deployment = one(apiserver, "deployments")
    pod = deployment["spec"]["template"]["spec"]
    assert pod["nodeSelector"] == {"kubernetes.io/arch": "arm64"}
    assert deployment["spec"]["strategy"]["type"] == "RollingUpdate"
    assert pod["containers"][0]["startupProbe"]["tcpSocket"] == {"port": "http"}
    namespace = [obj for obj in apiserver.objects("namespaces") if obj["metadata"]["name"] == "zot"][0]
    assert namespace["metadata"]["labels"]["minio-s3"] == "enabled"
    values = json.loads(one(apiserver, "helmchartconfigs")["spec"]["valuesContent"])
    assert values["ports"]["websecure"]["transport"]["respondingTimeouts"]["writeTimeout"] == "1200s"
    # metrics on, no ServiceMonitor asked: scrape annotations on the pods.
    assert deployment["spec"]["template"]["metadata"]["annotations"]["prometheus.io/path"] == "/metrics"
    env = dict((item["name"], item) for item in pod["containers"][0]["env"])
    assert env["AWS_ACCESS_KEY_ID"]["valueFrom"]["secretKeyRef"]["key"] == "MINIO_ACCESS_KEY_ID"
    assert {"name": "htpasswd", "secret": {"secretName": "zot-htpasswd", "defaultMode": 0o440}} in pod["volumes"]
    ingress = one(apiserver, "ingresses")
    assert ingress["spec"]["ingressClassName"] == "traefik"
    assert ingress["spec"]["tls"] == [{"hosts": ["zot.lumie-infra.com"], "secretName": "zot-tls"}]
    assert apiserver.objects("persistentvolumeclaims") == [] and apiserver.objects("secrets") == []


def seed_002_htpasswd_mirror(apiserver, output, tmp_path, apache_verifies):
    path = tmp_path / "htpasswd"
    path.write_bytes(base64.b64decode(one(apiserver, "secrets")["data"]["htpasswd"]))
    assert apache_verifies(path, "admin", PASSWORD)
    assert PASSWORD not in json.dumps(output)
    config = json.loads(one(apiserver, "configmaps")["data"]["config.json"])
    assert config["http"]["compat"] == ["docker2s2"]
    assert config["http"]["accessControl"]["repositories"]["**"]["anonymousPolicy"] == ["read"]
    assert config["extensions"]["scrub"] == {"enable": True, "interval": "3h"}
    assert config["extensions"]["sync"]["registries"][0]["retryDelay"] == "5m"
    assert config["extensions"]["metrics"] == {"enable": True} and config["extensions"]["search"] == {"enable": True}
    # kind's extraPortMappings: host 31150 -> node 5000 -> the pod's hostPort 5000.
    service = one(apiserver, "services")
    assert service["spec"]["type"] == "ClusterIP" and "nodePort" not in service["spec"]["ports"][0]
    container = one(apiserver, "deployments")["spec"]["template"]["spec"]["containers"][0]
    assert container["ports"] == [{"name": "http", "containerPort": 5000, "hostPort": 5000, "protocol": "TCP"}]


SEEDS = {
    "zot-seed-000": seed_000_longhorn_nodeport_no_auth,
    "zot-seed-001": seed_001_s3_sync_ingress,
    "zot-seed-002": seed_002_htpasswd_mirror,
}


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_each_seed_deploys_valid_objects_and_a_second_run_changes_nothing(apiserver, seed, tmp_path, apache_verifies):
    apiserver.add_namespace("kube-system")  # k3s' HelmChartConfig for Traefik goes there (seed 001)
    code, output = play(apiserver, seed)
    assert code == 0, failure(output)
    assert stats(output)["changed"] == 1 and stats(output)["failures"] == 0
    objects = applied(apiserver)
    assert objects["deployments"] and objects["configmaps"] and objects["services"]
    validate_all(item for items in objects.values() for item in items)
    SEEDS[seed](apiserver, output, tmp_path, apache_verifies)
    code, output = play(apiserver, seed)
    assert code == 0, failure(output)
    assert stats(output)["changed"] == 0


def test_an_object_no_longer_rendered_is_pruned(apiserver):
    apiserver.add_namespace("kube-system")
    code, output = play(apiserver, "zot-seed-001")
    assert code == 0, failure(output)
    assert len(apiserver.objects("ingresses")) == 1 and len(apiserver.objects("helmchartconfigs")) == 1
    code, output = play(apiserver, "zot-seed-001", zot_ingress=False)
    assert code == 0, failure(output)
    assert apiserver.objects("ingresses") == [] and len(apiserver.objects("services")) == 1
    assert apiserver.objects("helmchartconfigs") == []


def rendered_objects(directory):
    with open(os.path.join(directory, "kustomization.yaml"), encoding="utf-8") as handle:
        resources = yaml.safe_load(handle)["resources"]
    objects = []
    for name in resources:
        with open(os.path.join(directory, name), encoding="utf-8") as handle:
            objects.append(yaml.safe_load(handle))
    return objects


def test_seed_001_for_argo_cd_renders_the_objects_it_would_apply_and_a_rerun_leaves_git_clean(apiserver, tmp_path, tree):
    out = str(tmp_path / "gitops" / "zot")
    code, output = play(apiserver, ["zot-seed-001", "zot-seed-001-gitops"], zot_render_dir=out)
    assert code == 0, failure(output)
    assert list(apiserver.api) == []  # render mode talks to no cluster
    files = tree(out)
    assert "argocd-application.yaml" in files and not any(name.startswith("secret-") for name in files)
    application = yaml.safe_load(files["argocd-application.yaml"])
    assert application["spec"]["source"]["repoURL"] == "https://github.com/Lumie-Edu/lumie-infra.git"
    validate_all(rendered_objects(out))
    code, output = play(apiserver, ["zot-seed-001", "zot-seed-001-gitops"], zot_render_dir=out)
    assert code == 0, failure(output)
    assert stats(output)["changed"] == 0 and tree(out) == files
    # The same objects as apply mode sends.
    apiserver.add_namespace("kube-system")
    code, output = play(apiserver, "zot-seed-001")
    assert code == 0, failure(output)
    for obj in rendered_objects(out):
        plural = {"Ingress": "ingresses"}.get(obj["kind"], obj["kind"].lower() + "s")
        live = [item for item in apiserver.objects(plural) if item["metadata"]["name"] == obj["metadata"]["name"]
                and item["metadata"].get("namespace") == obj["metadata"].get("namespace")]
        assert len(live) == 1, obj["kind"]
        live = live[0]
        for key in ("uid", "generation", "creationTimestamp", "resourceVersion"):
            live["metadata"].pop(key, None)
        live.pop("status", None)
        assert live == obj, obj["kind"]


def test_render_mode_refuses_a_secret_in_plain_text_and_writes_nothing(apiserver, tmp_path):
    out = str(tmp_path / "gitops")
    code, output = play(apiserver, "zot-seed-002", zot_render_dir=out)
    assert code != 0
    assert "render_secrets is none, so no Secret is written in plain text" in failure(output)[1]
    assert not os.path.exists(out) and PASSWORD not in json.dumps(output)


@pytest.mark.parametrize("mode", ["apply", "separate", "plain"])
def test_cluster_mode_generates_its_hash_key_once_and_keeps_it(apiserver, tmp_path, mode):
    # kubernetes.core.k8s_info (which reads the kept key) needs a token with a bare host; kmock takes any.
    extra = {"zot_cluster": True, "zot_replicas": 3, "zot_kube_api_key": "kmock-accepts-any-token"}
    kept_in = {"separate": tmp_path / "sealed" / "secret-zot.yaml", "plain": tmp_path / "out" / "secret-zot.yaml"}.get(mode)
    if kept_in:
        extra.update(zot_render_dir=str(tmp_path / "out"), zot_render_secrets=mode,
                     zot_render_secrets_dir=str(tmp_path / "sealed") if mode == "separate" else "")

    def hash_key():
        if kept_in:
            with open(str(kept_in), encoding="utf-8") as handle:
                secret = yaml.safe_load(handle)
        else:
            secret = one(apiserver, "secrets")
        return json.loads(base64.b64decode(secret["data"]["config.json"]))["cluster"]["hashKey"]

    code, output = play(apiserver, "zot-seed-000", **extra)
    assert code == 0, failure(output)
    first = hash_key()
    assert len(first) == 16 and first != _manifests.HASH_KEY_STAND_IN and first not in json.dumps(output)
    if not kept_in:
        statefulset = one(apiserver, "statefulsets")
        assert statefulset["spec"]["replicas"] == 3 and apiserver.objects("deployments") == []
        assert len(apiserver.objects("poddisruptionbudgets")) == 1 and apiserver.objects("configmaps") == []
        validate_all(applied(apiserver)["statefulsets"] + applied(apiserver)["services"])
    else:
        assert list(apiserver.api) == []  # the key is read back from the file, not from a cluster
    code, output = play(apiserver, "zot-seed-000", **extra)
    assert code == 0, failure(output)
    assert stats(output)["changed"] == 0 and hash_key() == first


def test_a_rendered_cluster_refuses_to_lose_its_hash_key(apiserver, tmp_path, tree):
    out, sealed = tmp_path / "out", tmp_path / "sealed"
    extra = {"zot_cluster": True, "zot_replicas": 3, "zot_render_dir": str(out)}
    # none: config.json, with the key, goes in a Secret none never writes, given key or not, so the run
    # refuses before anything is written.
    for given in ({}, {"zot_cluster_hash_key": "0123456789abcdef"}):
        code, output = play(apiserver, "zot-seed-000", **dict(extra, **given))
        assert code != 0 and not out.exists()
        assert failure(output) == (ROLE_TASK + "Check that render mode writes the Secret holding the cluster's config.json", (
            "zot_render_secrets: none writes no Secret, but zot_cluster puts config.json, with the cluster's hash key, "
            "in the Secret zot: set zot_render_secrets to separate (to seal it apart) or plain"))
    # separate, then the Secret sealed and its plain file removed: a new key would re-shard the cluster.
    extra.update(zot_render_secrets="separate", zot_render_secrets_dir=str(sealed))
    code, output = play(apiserver, "zot-seed-000", **extra)
    assert code == 0, failure(output)
    rendered = tree(out)
    key = json.loads(base64.b64decode(yaml.safe_load((sealed / "secret-zot.yaml").read_text())["data"]["config.json"]))
    (sealed / "secret-zot.yaml").unlink()
    code, output = play(apiserver, "zot-seed-000", **extra)
    assert code != 0 and tree(out) == rendered and not (sealed / "secret-zot.yaml").exists()
    task, msg = failure(output)
    assert task == ROLE_TASK + "Check that a rendered cluster's hash key is still there"
    assert msg.startswith("zot_cluster_hash_key: %s no longer holds the cluster's hash key, but %s shows" % (
        sealed / "secret-zot.yaml", out / "statefulset-zot.yaml"))
    # Given back, the same key is rendered again.
    code, output = play(apiserver, "zot-seed-000", zot_cluster_hash_key=key["cluster"]["hashKey"], **extra)
    assert code == 0, failure(output)
    assert tree(out) == rendered and key["cluster"]["hashKey"] not in json.dumps(output)
    assert (sealed / "secret-zot.yaml").exists() and list(apiserver.api) == []


def served_type(registry, reference):
    request = urllib.request.Request("%s/v2/%s" % (registry.url, reference.replace(":", "/manifests/")), headers={
        "Accept": "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers["Content-Type"]


def task_result(output, name):
    return next(task["hosts"]["localhost"] for play_ in output["plays"] for task in play_["tasks"]
                if task["task"]["name"] == ROLE_TASK + name)


ROLE_TASK = "anchorage.registry.zot : "
VERIFY_TASK = "Verify zot over the OCI Distribution API (push, pull, compare digests, list the catalog and tags)"


def test_the_check_after_deploy_pushes_docker_format_where_docker2s2_is_on(apiserver, distribution):
    """zot_verify_url at a real Distribution standing in for zot's Service (no zot runs here), and at a
    proxy refusing Docker manifests as zot does without docker2s2 (oci_only)."""
    registry = distribution()
    code, output = play(apiserver, "zot-seed-000", zot_verify_url=registry.url)
    assert code == 0, failure(output)
    checked = task_result(output, VERIFY_TASK)
    assert checked["media_type"] == "application/vnd.docker.distribution.manifest.v2+json" and checked["match"] is True
    assert checked["tags"] == ["latest"] and [step["step"] for step in checked["steps"]][-2:] == ["catalog", "tags list"]
    assert served_type(registry, "anchorage/verify:latest") == checked["media_type"]
    with OciOnlyProxy(registry.url) as oci_only:
        # A zot refusing what the role's config lets docker push: the run fails naming the format and quoting zot.
        code, output = play(apiserver, "zot-seed-000", zot_verify_url=oci_only.url)
        assert code != 0 and failure(output)[0] == ROLE_TASK + VERIFY_TASK
        assert failure(output)[1].startswith("push manifest: 415 MANIFEST_INVALID manifest invalid")
        assert "Docker schema 2 manifests (manifest_format docker): zot takes them only with docker2s2" in failure(output)[1]
        # Without zot_docker_compat the config has no docker2s2, and the check pushes OCI.
        code, output = play(apiserver, "zot-seed-000", zot_verify_url=oci_only.url, zot_docker_compat=False)
        assert code == 0, failure(output)
        assert "compat" not in json.loads(one(apiserver, "configmaps")["data"]["config.json"])["http"]
        assert task_result(output, VERIFY_TASK)["media_type"] == "application/vnd.oci.image.manifest.v1+json"
    assert served_type(registry, "anchorage/verify:latest") == "application/vnd.oci.image.manifest.v1+json"


def test_check_mode_on_an_empty_cluster_changes_nothing(apiserver):
    code, output = play(apiserver, "zot-seed-000", "--check", "--diff")
    assert code == 0, failure(output)
    assert stats(output)["changed"] == 1
    assert all(items == [] for items in applied(apiserver).values())
    assert all(request.params.get("dryRun") == "All" for request in apiserver.requests("PATCH"))


@pytest.mark.parametrize("extra_vars, message", [
    ({"zot_node_port": 40000},
     "node_port: 40000 is outside Kubernetes' NodePort range 30000-32767"),
    ({"zot_extensions": {"sync": {"registries": [{"urls": ["https://ghcr.io"], "onDemand": True,
                                                  "content": [{"prefix": "{library,bitnami/**"}]}]}}},
     "extensions.sync.registries[0].content[0].prefix: '{library,bitnami/**' has a '{' without a closing '}'"),
    ({"zot_replicas": 2, "zot_persistence": False, "zot_storage": {"rootDirectory": "/tmp/zot", "storageDriver": {
        "name": "s3", "region": "us-east-1", "bucket": "zot"}}},
     "zot_replicas: 2 zot replicas behind one Service must share their state"),
    ({"zot_http": {"auth": {"ldap": {"address": "ldap.example.com", "baseDN": "dc=example", "userAttribute": "uid",
                                     "credentialsFile": "/etc/zot/ldap.json"}}}},
     "http.auth.ldap.credentialsFile is '/etc/zot/ldap.json': zot reads that file but nothing mounts it there"),
    ({"zot_htpasswd_users": [{"name": "admin", "password": "pw"}], "zot_http": {"accessControl": {"repositories": {
        "**": {"policies": [{"users": ["admin"], "actions": ["read"],
                             "conditions": [{"expression": "request.method == 'GET'"}]}]}}}}},
     "conditions[0].expression: \"request.method == 'GET'\" does not compile: ERROR: <input>:1:8: undeclared reference "
     "to 'request.method'"),
    ({"zot_wait_timeout": -5}, "zot_wait_timeout: -5 is outside 1-86400 seconds"),
    ({"zot_pdb_max_unavailable": 0}, "zot_pdb_max_unavailable: 0 is outside 1-100"),
    ({"zot_ingress_timeout": 0}, "zot_ingress_timeout: 0 is outside 1-86400 seconds"),
    ({"zot_host_port": 70000}, "zot_host_port: 70000 is outside 0-65535"),
    ({"zot_service_port": 0}, "zot_service_port: 0 is outside 1-65535"),
    ({"zot_replicas": -1}, "zot_replicas: -1 must be a whole number from 0 to 100"),
    ({"zot_startup_probe": {"periodSeconds": 5}}, "zot_startup_probe: a probe needs exactly one of httpGet"),
    ({"zot_cluster": True, "zot_cluster_hash_key": "short"}, "zot_cluster_hash_key: must be exactly 16 bytes"),
    ({"zot_http": {"accessControl": {"repositories": {"**": {"anonymousPolicy": ["read", "pull"]}}}}},
     "http.accessControl.repositories.**.anonymousPolicy: 'pull': unknown action"),
    ({"zot_storage": {"rootDirectory": "/var/lib/registry", "retention": {"policies": [
        {"repositories": ["**"], "keepTags": [{"pushedWithin": "2 weeks"}]}]}}},
     "storage.retention.policies[0].keepTags[0].pushedWithin: '2 weeks' is not a duration"),
])
def test_bad_input_fails_clearly_and_applies_nothing(apiserver, extra_vars, message):
    code, output = play(apiserver, "zot-seed-000", **extra_vars)
    assert code != 0
    task, msg = failure(output)
    assert message in msg, msg
    assert list(apiserver.api) == []  # not one request reached the API server


def test_seed_000_nodes_are_pointed_at_the_node_port():
    """The example inventory's node_trust group gives every k3s node the seed's registries.yaml."""
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_LOAD_CALLBACK_PLUGINS="1",
               ANSIBLE_STDOUT_CALLBACK="ansible.posix.json", ANSIBLE_NOCOLOR="1")
    plan = "{{ (node_trust_registries | anchorage.registry.node_trust_plan('/etc/anchorage/registry-ca')).k3s }}"
    done = subprocess.run(
        [os.path.join(ROOT, ".venv", "bin", "ansible"), "-i", os.path.join(ROOT, "examples", "zot-seed-000", "inventory.yml"),
         "node_trust", "-m", "ansible.builtin.debug", "-a", "msg=%s" % plan],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=PLAYBOOK_TIMEOUT, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    hosts = json.loads(done.stdout)["plays"][0]["tasks"][0]["hosts"]
    assert sorted(hosts) == ["k3s-agent-1", "k3s-server-1"]
    for result in hosts.values():
        # The seed's /etc/rancher/k3s/registries.yaml, exactly.
        assert result["msg"] == {"mirrors": {"192.0.2.11:30500": {"endpoint": ["http://192.0.2.11:30500"]}}, "configs": {}}


# --- the role's settings are declared once: meta/argument_specs.yml --------------------------

def role_yaml(*path):
    with open(os.path.join(ROLE, *path), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


OPTIONS = role_yaml("meta", "argument_specs.yml")["argument_specs"]["main"]["options"]


def test_defaults_main_is_exactly_the_argument_specs_defaults():
    defaults = role_yaml("defaults", "main.yml")
    assert sorted(defaults) == sorted(OPTIONS)
    for name, option in OPTIONS.items():
        assert "default" in option, name
        assert defaults[name] == option["default"], name


@pytest.mark.parametrize("name", sorted(OPTIONS))
def test_each_default_has_its_declared_type_and_is_one_of_its_choices(name):
    option = OPTIONS[name]
    default = option["default"]
    if default is not None:
        kind = TYPES[option["type"]]
        assert isinstance(default, kind) and not (kind is int and isinstance(default, bool)), name
    assert default in option.get("choices", [default]), name


def builder_keys():
    """Every ``spec["key"]`` the manifest builder reads."""
    with open(_manifests.__file__, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    return set(node.slice.value for node in ast.walk(tree) if isinstance(node, ast.Subscript)
               and isinstance(node.value, ast.Name) and node.value.id == "spec" and isinstance(node.slice, ast.Constant))


def test_the_spec_passes_each_variable_the_builder_reads_under_its_own_name():
    spec = role_yaml("vars", "main.yml")["__zot_spec"]
    assert sorted(spec) == sorted(builder_keys())
    for key, value in spec.items():
        assert value == "{{ zot_%s }}" % key and "zot_" + key in OPTIONS, key


def test_every_variable_the_role_uses_is_declared_and_every_declared_one_is_used():
    used = set()
    for folder in ("tasks", "vars"):
        for name in os.listdir(os.path.join(ROLE, folder)):
            # Parsed and dumped: comments (which name modules and filters too) drop out.
            text = json.dumps(role_yaml(folder, name))
            used.update(re.findall(r"(?<![\w.])zot_[a-z0-9_]+", text))
    assert sorted(used) == sorted(OPTIONS)


# --- zot_state: absent ---------------------------------------------------------------------------

def names(apiserver, plural):
    return sorted(obj["metadata"]["name"] for obj in apiserver.objects(plural))


def test_absent_deletes_what_was_applied_keeps_the_data_and_a_reinstall_finds_it(apiserver):
    code, output = play(apiserver, "zot-seed-002")
    assert code == 0, failure(output)
    claim = one(apiserver, "persistentvolumeclaims")
    namespace = claim["metadata"]["namespace"]
    # Check mode: each deletion a server-side dry run, nothing deleted, every one reported.
    code, output = play(apiserver, "zot-seed-002", "--check", "--diff", zot_state="absent")
    assert code == 0, failure(output)
    assert stats(output)["changed"] == 1 and one(apiserver, "deployments")
    assert all(request.params.get("dryRun") == "All" for request in apiserver.requests("DELETE"))
    assert PASSWORD not in json.dumps(output)
    code, output = play(apiserver, "zot-seed-002", zot_state="absent")
    assert code == 0, failure(output)
    assert stats(output)["changed"] == 1
    remaining = dict((plural, names(apiserver, plural)) for plural in APPLIED)
    assert remaining == dict(dict((plural, []) for plural in APPLIED), namespaces=[namespace],
                             persistentvolumeclaims=[claim["metadata"]["name"]])
    code, output = play(apiserver, "zot-seed-002", zot_state="absent")
    assert code == 0, failure(output)
    assert stats(output)["changed"] == 0
    # The reinstall finds the claim as it was (same uid: the images are still there).
    code, output = play(apiserver, "zot-seed-002")
    assert code == 0, failure(output)
    assert one(apiserver, "persistentvolumeclaims")["metadata"]["uid"] == claim["metadata"]["uid"]
    code, output = play(apiserver, "zot-seed-002", zot_state="absent", zot_keep_data=False)
    assert code == 0, failure(output)
    assert all(items == [] for items in applied(apiserver).values())


def test_absent_deletes_the_traefik_settings_in_kube_system_and_leaves_other_deployments(apiserver):
    apiserver.add_namespace("kube-system")
    code, output = play(apiserver, "zot-seed-001")
    assert code == 0, failure(output)
    # k3s' Traefik has one HelmChartConfig: only the first deployment sets it.
    code, output = play(apiserver, "zot-seed-001", zot_name="other", zot_traefik_helm_chart_config=False)
    assert code == 0, failure(output)
    code, output = play(apiserver, "zot-seed-001", zot_state="absent")
    assert code == 0, failure(output)
    assert apiserver.objects("helmchartconfigs") == [] and names(apiserver, "ingresses") == ["other"]
    assert names(apiserver, "deployments") == ["other"] and "kube-system" in names(apiserver, "namespaces")


def test_absent_in_render_mode_removes_the_files_and_the_kustomization_lists_what_stays(apiserver, tmp_path, tree):
    out = str(tmp_path / "gitops" / "zot")
    inventories = ["zot-seed-001", "zot-seed-001-gitops"]
    code, output = play(apiserver, inventories, zot_render_dir=out, zot_persistence=True)
    assert code == 0, failure(output)
    code, output = play(apiserver, inventories, "--check", zot_render_dir=out, zot_state="absent")
    assert code == 0 and stats(output)["changed"] == 1 and "deployment-zot.yaml" in tree(out)
    code, output = play(apiserver, inventories, zot_render_dir=out, zot_state="absent")
    assert code == 0, failure(output)
    assert sorted(tree(out)) == ["argocd-application.yaml", "kustomization.yaml", "namespace-zot.yaml",
                                 "persistentvolumeclaim-zot-data.yaml"]
    assert [obj["kind"] for obj in rendered_objects(out)] == ["Namespace", "PersistentVolumeClaim"]
    code, output = play(apiserver, inventories, zot_render_dir=out, zot_state="absent")
    assert code == 0 and stats(output)["changed"] == 0
    assert list(apiserver.api) == []  # render mode talks to no cluster


# --- zot_tls_generate: the collection's CA ------------------------------------------------------

def test_a_generated_certificate_is_served_from_a_tls_secret_and_its_renewal_rolls_the_pods_once(apiserver, tmp_path):
    ca = {"zot_tls_generate": True, "certificates_dir": str(tmp_path / "pki"), "certificates_install_dependencies": False}
    # The inventory's names (an extra var would replace the Service's names the role adds).
    (tmp_path / "sans").mkdir()
    (tmp_path / "sans" / "inventory.yml").write_text(yaml.safe_dump({"zot": {"hosts": {"localhost": {}}, "vars": {
        "certificates_extra_sans": ["192.0.2.11"]}}}))

    def run(**extra):
        code, output = play(apiserver, ["zot-seed-000", str(tmp_path / "sans")], **dict(ca, **extra))
        assert code == 0, failure(output)
        key = (tmp_path / "pki" / "hosts" / "localhost" / "server.key").read_text()
        assert key not in json.dumps(output) and base64.b64encode(key.encode()).decode() not in json.dumps(output)
        return output

    run(certificates_validity_days=2, certificates_renew_days=1)
    secret = one(apiserver, "secrets")
    assert secret["type"] == "kubernetes.io/tls" and secret["metadata"]["name"] == "zot-server-tls"
    for version in KUBERNETES_VERSIONS:
        kubernetes_validate.validate(secret, version, strict=True)
    certificate = base64.b64decode(secret["data"]["tls.crt"]).decode()
    names_in = subprocess.run(["openssl", "x509", "-noout", "-ext", "subjectAltName"], input=certificate, text=True,
                              capture_output=True, check=True).stdout
    for name in ("DNS:zot", "DNS:zot.zot-registry.svc", "DNS:zot.zot-registry.svc.cluster.local", "IP Address:192.0.2.11"):
        assert name in names_in
    config = json.loads(one(apiserver, "configmaps")["data"]["config.json"])
    assert config["http"]["tls"] == {"cert": "/etc/zot/tls/tls.crt", "key": "/etc/zot/tls/tls.key"}
    deployment = one(apiserver, "deployments")
    assert deployment["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["scheme"] == "HTTPS"
    generation = deployment["metadata"]["generation"]
    output = run(certificates_validity_days=2, certificates_renew_days=1)
    assert stats(output)["changed"] == 0 and one(apiserver, "deployments")["metadata"]["generation"] == generation
    # A wider renewal window than the certificate has left: re-issued, whatever the date (no clock faked),
    # and the pods roll once (the second run above showed that an unchanged certificate rolls nothing).
    run(certificates_validity_days=30, certificates_renew_days=5)
    renewed = one(apiserver, "secrets")
    assert base64.b64decode(renewed["data"]["tls.crt"]).decode() != certificate
    assert one(apiserver, "deployments")["metadata"]["generation"] == generation + 1


def test_check_mode_before_the_first_certificate_issues_and_stores_nothing(apiserver, tmp_path):
    # The certificates role's check mode needs its directories (its own limitation, not zot's).
    (tmp_path / "pki" / "hosts" / "localhost").mkdir(parents=True)
    code, output = play(apiserver, "zot-seed-000", "--check", "--diff", zot_tls_generate=True,
                        certificates_dir=str(tmp_path / "pki"), certificates_install_dependencies=False)
    assert code == 0, failure(output)
    assert list((tmp_path / "pki").rglob("*.*")) == [] and all(items == [] for items in applied(apiserver).values())


@pytest.mark.parametrize("extra_vars, message", [
    ({"zot_tls_secret": "mine"}, "zot_tls_generate: the collection's CA issues the certificate; leave zot_tls_certificate"),
    ({"zot_node_port": 40000}, "node_port: 40000 is outside Kubernetes' NodePort range"),
    ({"certificates_extra_sans": ["not a name"]}, "certificates_extra_sans[0]: 'not a name' is neither a DNS name nor an IP"),
])
def test_a_generated_certificate_is_issued_only_after_every_check(apiserver, tmp_path, extra_vars, message):
    code, output = play(apiserver, "zot-seed-000", zot_tls_generate=True, certificates_dir=str(tmp_path / "pki"),
                        certificates_install_dependencies=False, **extra_vars)
    assert code != 0 and message in failure(output)[1], failure(output)
    assert not (tmp_path / "pki").exists() and list(apiserver.api) == []
