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

import kubernetes_validate
import pytest
import yaml

from kube_apiserver_mock import Running

from ansible_collections.anchorage.registry.plugins.module_utils import _manifests

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
COLLECTIONS = os.path.join(ROOT, ".build", "collections")
PASSWORD = "seed-admin-password-1"
KUBERNETES_VERSIONS = ("1.28", "1.37")
# What the role applies, by plural: the emulated controller's Pods are left out.
APPLIED = ("namespaces", "secrets", "configmaps", "persistentvolumeclaims", "deployments", "services", "ingresses")
PLAYBOOK_TIMEOUT = 300
ROLE = os.path.join(ROOT, "roles", "zot")
# What each argument-spec type may hold (a null default means "unset", as zot_kube_validate_certs).
TYPES = {"str": str, "int": int, "bool": bool, "dict": dict, "list": list}


@pytest.fixture
def apiserver():
    with Running() as running:
        yield running


def play(apiserver, seed, *options, **extra_vars):
    """Run the zot playbook with a seed's inventory; returns (exit code, parsed JSON output)."""
    assert os.path.isdir(os.path.join(COLLECTIONS, "ansible_collections", "anchorage", "registry")), "run make venv"
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_STDOUT_CALLBACK="ansible.posix.json",
               ANSIBLE_NOCOLOR="1", ANSIBLE_RETRY_FILES_ENABLED="0", ZOT_ADMIN_PASSWORD=PASSWORD,
               PATH=os.path.join(ROOT, ".venv", "bin") + os.pathsep + os.environ.get("PATH", ""))
    env.pop("AWS_CA_BUNDLE", None)
    extra = dict({"zot_kube_host": apiserver.url, "zot_verify_url": "", "zot_wait_timeout": 20}, **extra_vars)
    done = subprocess.run(
        ["ansible-playbook", "-i", os.path.join(ROOT, "examples", seed, "inventory.yml"),
         os.path.join(ROOT, "playbooks", "zot.yml"), "-e", json.dumps(extra)] + list(options),
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=PLAYBOOK_TIMEOUT, check=False)
    try:
        output = json.loads(done.stdout)
    except ValueError:
        raise AssertionError("not JSON:\n%s\n%s" % (done.stdout, done.stderr))
    return done.returncode, output


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
    pod = one(apiserver, "deployments")["spec"]["template"]["spec"]
    assert pod["nodeSelector"] == {"kubernetes.io/arch": "arm64"}
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
    assert one(apiserver, "services")["spec"]["ports"][0]["nodePort"] == 31150


SEEDS = {
    "zot-seed-000": seed_000_longhorn_nodeport_no_auth,
    "zot-seed-001": seed_001_s3_sync_ingress,
    "zot-seed-002": seed_002_htpasswd_mirror,
}


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_each_seed_deploys_valid_objects_and_a_second_run_changes_nothing(apiserver, seed, tmp_path, apache_verifies):
    code, output = play(apiserver, seed)
    assert code == 0, failure(output)
    assert stats(output)["changed"] == 1 and stats(output)["failures"] == 0
    objects = applied(apiserver)
    assert objects["deployments"] and objects["configmaps"] and objects["services"]
    for plural, items in objects.items():
        for obj in items:
            for version in KUBERNETES_VERSIONS:
                kubernetes_validate.validate(obj, version, strict=True)
    SEEDS[seed](apiserver, output, tmp_path, apache_verifies)
    code, output = play(apiserver, seed)
    assert code == 0, failure(output)
    assert stats(output)["changed"] == 0


def test_an_object_no_longer_rendered_is_pruned(apiserver):
    code, output = play(apiserver, "zot-seed-001")
    assert code == 0, failure(output)
    assert len(apiserver.objects("ingresses")) == 1
    code, output = play(apiserver, "zot-seed-001", zot_ingress=False)
    assert code == 0, failure(output)
    assert apiserver.objects("ingresses") == [] and len(apiserver.objects("services")) == 1


def test_check_mode_on_an_empty_cluster_changes_nothing(apiserver):
    code, output = play(apiserver, "zot-seed-000", "--check", "--diff")
    assert code == 0, failure(output)
    assert stats(output)["changed"] == 1
    assert all(items == [] for items in applied(apiserver).values())
    assert all(request.params.get("dryRun") == "All" for request in apiserver.requests("PATCH"))


@pytest.mark.parametrize("extra_vars, message", [
    ({"zot_node_port": 40000},
     "node_port: 40000 is outside Kubernetes' NodePort range 30000-32767"),
    ({"zot_extensions": {"sync": {"registries": [{"urls": ["ghcr.io"], "onDemand": True}]}}},
     "extensions.sync.registries[0].urls[0]: 'ghcr.io' is not a URL with a scheme"),
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
