# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The connection options against kubernetes.core's (installed with the ``ansible`` package), and
the client configuration they build, with the real kubernetes client (requests: test_manifest_apply)."""

from __future__ import annotations

import base64
import json

import pytest
import urllib3
import yaml

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible_collections.kubernetes.core.plugins.doc_fragments import k8s_auth_options as upstream_docs
from ansible_collections.kubernetes.core.plugins.module_utils import args_common as upstream
from kubernetes import client as k8s_client

from ansible_collections.anchorage.registry.plugins.doc_fragments import k8s_auth as our_docs
from ansible_collections.anchorage.registry.plugins.module_utils import _k8s_auth as auth


def shape(spec):
    """What a user sees of an argument spec: names, types, aliases, no_log, defaults, suboptions."""
    return dict((name, {
        "type": options.get("type", "str"),
        "elements": options.get("elements"),
        "aliases": sorted(options.get("aliases") or []),
        "no_log": bool(options.get("no_log")),
        "required": bool(options.get("required")),
        "default": options.get("default"),
        "choices": options.get("choices"),
        "options": shape(options["options"]) if options.get("options") else None,
    }) for name, options in spec.items())


def test_the_options_are_kubernetes_cores():
    ours, theirs = shape(auth.K8S_AUTH_SPEC), shape(upstream.AUTH_ARG_SPEC)
    # kubernetes.core 6 (the ansible 14 package) dropped no_log on kubeconfig and masks a mapping's
    # credentials itself; ours stays no_log, so the invocation logged on the target never holds them.
    assert ours["kubeconfig"]["no_log"] is True
    theirs["kubeconfig"]["no_log"] = True
    assert ours == theirs


def upstream_variables(option):
    """kubernetes.core's variables for an option: K8S_AUTH_<OPTION>, then K8S_AUTH_<CLIENT ATTRIBUTE>."""
    names = ["K8S_AUTH_%s" % option.upper()]
    names.extend("K8S_AUTH_%s" % attribute.upper() for attribute, name in upstream.AUTH_ARG_MAP.items()
                 if name == option and attribute != option)
    return names


def test_the_environment_variables_are_kubernetes_cores():
    for name, options in auth.K8S_AUTH_SPEC.items():
        if name == "proxy_headers":
            # kubernetes.core reads one variable per suboption instead.
            assert "fallback" not in options
            continue
        assert options["fallback"] == (env_fallback, upstream_variables(name)), name
    for name, options in auth.PROXY_HEADERS_SPEC.items():
        assert name in upstream.AUTH_PROXY_HEADERS_SPEC
        assert options["fallback"] == (env_fallback, ["K8S_AUTH_PROXY_HEADERS_%s" % name.upper()]), name
    assert upstream_variables("validate_certs") == ["K8S_AUTH_VALIDATE_CERTS", "K8S_AUTH_VERIFY_SSL"]


def test_the_environment_variables_reach_the_options(monkeypatch):
    for name, value in (("K8S_AUTH_VERIFY_SSL", "no"), ("K8S_AUTH_CERT_FILE", "/c.pem"), ("K8S_AUTH_PASSWORD", "pw-1"),
                        ("K8S_AUTH_IMPERSONATE_GROUPS", "a,b"), ("K8S_AUTH_PROXY_HEADERS_PROXY_BASIC_AUTH", "u:pw-2")):
        monkeypatch.setenv(name, value)
    result = ArgumentSpecValidator(auth.K8S_AUTH_SPEC).validate({"username": "me"})
    assert result.error_messages == []
    params = result.validated_parameters
    assert params["validate_certs"] is False and params["client_cert"] == "/c.pem"
    assert params["impersonate_groups"] == ["a", "b"] and params["proxy_headers"]["proxy_basic_auth"] == "u:pw-2"
    assert {"pw-1", "u:pw-2"} <= result._no_log_values


def doc_options(fragment):
    def strip(options):
        return dict((name, {"type": doc.get("type", "str"), "elements": doc.get("elements"),
                            "aliases": sorted(doc.get("aliases") or []),
                            "suboptions": strip(doc["suboptions"]) if doc.get("suboptions") else None})
                    for name, doc in options.items())

    return strip(yaml.safe_load(fragment.ModuleDocFragment.DOCUMENTATION)["options"])


def test_the_doc_fragment_documents_kubernetes_cores_options():
    assert doc_options(our_docs) == doc_options(upstream_docs)
    # Every variable of the spec is named in the option's description.
    docs = yaml.safe_load(our_docs.ModuleDocFragment.DOCUMENTATION)["options"]
    for name, options in auth.K8S_AUTH_SPEC.items():
        for variable in (options.get("fallback") or (None, []))[1]:
            assert variable in " ".join(docs[name]["description"]), (name, variable)
    for name, options in auth.PROXY_HEADERS_SPEC.items():
        assert options["fallback"][1][0] in " ".join(docs["proxy_headers"]["suboptions"][name]["description"])


@pytest.mark.parametrize("params, message", [
    ({"username": "me"}, "username, password: set both or neither"),
    ({"password": "pw"}, "username, password: set both or neither"),
    ({"username": "me", "password": "pw", "api_key": "t"},
     "username, password: cannot be used with api_key (both are the Authorization header)"),
    ({"impersonate_groups": ["g"]}, "impersonate_groups: needs impersonate_user (the API server refuses groups without a user)"),
    ({"persist_config": True, "kubeconfig": {"apiVersion": "v1"}},
     "persist_config: needs kubeconfig as a file path (a kubeconfig mapping has no file to save to)"),
])
def test_options_that_cannot_work_together(params, message):
    assert auth.connection_errors(params) == [message]
    with pytest.raises(ValueError) as raised:
        auth.client_configuration(dict(params, host="http://127.0.0.1:1"))
    assert str(raised.value) == message


def test_options_that_work_together():
    assert auth.connection_errors({"username": "me", "password": "pw", "impersonate_user": "u", "impersonate_groups": ["g"],
                                   "persist_config": True, "kubeconfig": "/k"}) == []


def test_headers_are_what_the_client_and_urllib3_build():
    configuration = k8s_client.Configuration()
    configuration.username, configuration.password = "me", "pa:ss"
    overrides = auth.configuration_overrides({"username": "me", "password": "pa:ss"})
    assert overrides == {"api_key": {"authorization": configuration.get_basic_auth_token()}}
    headers = {"proxy_basic_auth": "u:p", "basic_auth": "a:b", "user_agent": "ansible/2.19"}
    assert auth.proxy_header_values(headers) == urllib3.util.make_headers(**headers)
    assert auth.proxy_header_values({"proxy_basic_auth": None, "basic_auth": None, "user_agent": None}) == {}
    # Beyond ASCII, UTF-8 (RFC 7617) where urllib3 takes Latin-1 and fails on anything else.
    overrides = auth.configuration_overrides({"username": "zoë", "password": "€"})
    assert overrides["api_key"]["authorization"] == "Basic %s" % base64.b64encode("zoë:€".encode("utf-8")).decode()


def test_overrides():
    params = {"host": "https://k.example:6443/", "api_key": "t", "validate_certs": False, "ca_cert": "/ca.pem",
              "client_cert": "/c.pem", "client_key": "/k.pem", "proxy": "http://proxy:3128", "no_proxy": "10.0.0.0/8",
              "proxy_headers": {"user_agent": "ua"}}
    assert auth.configuration_overrides(params) == {
        "host": "https://k.example:6443", "api_key": {"authorization": "Bearer t"}, "verify_ssl": False,
        "ssl_ca_cert": "/ca.pem", "cert_file": "/c.pem", "key_file": "/k.pem", "proxy": "http://proxy:3128",
        "no_proxy": "10.0.0.0/8", "proxy_headers": {"user-agent": "ua"}}
    assert auth.configuration_overrides({"validate_certs": None, "proxy_headers": None}) == {}


def test_impersonation_headers_one_line_per_group():
    headers = auth.impersonation_headers({"impersonate_user": "u", "impersonate_groups": ["g1", "", "g2"]})
    assert [(str(name), value) for name, value in headers] == [
        ("Impersonate-User", "u"), ("Impersonate-Group", "g1"), ("Impersonate-Group", "g2")]
    assert len(dict(headers)) == 3  # a dict of headers keeps both groups
    assert auth.impersonation_headers({}) == []


KUBECONFIG = {
    "apiVersion": "v1", "kind": "Config", "current-context": "a",
    "clusters": [{"name": "a", "cluster": {"server": "https://a.example:6443"}},
                 {"name": "b", "cluster": {"server": "https://b.example:6443", "insecure-skip-tls-verify": True}}],
    "users": [{"name": "u", "user": {"token": "kubeconfig-token"}}],
    "contexts": [{"name": "a", "context": {"cluster": "a", "user": "u"}},
                 {"name": "b", "context": {"cluster": "b", "user": "u"}}],
}


def test_client_configuration_from_a_kubeconfig_mapping_and_context():
    configuration = auth.client_configuration({"kubeconfig": KUBECONFIG, "context": "b"})
    assert configuration.host == "https://b.example:6443" and configuration.verify_ssl is False
    assert configuration.auth_settings()["BearerToken"]["value"] == "Bearer kubeconfig-token"


def test_the_options_still_win_after_the_kubeconfigs_token_refresh(tmp_path):
    # auth_settings() runs the loader's refresh hook, as every request does.
    configuration = auth.client_configuration({"kubeconfig": KUBECONFIG, "host": "https://c.example:6443",
                                               "validate_certs": True, "proxy": "http://127.0.0.1:3128"})
    for _request in range(2):
        assert configuration.auth_settings()["BearerToken"]["value"] == "Bearer kubeconfig-token"
        assert configuration.host == "https://c.example:6443" and configuration.proxy == "http://127.0.0.1:3128"
    path = tmp_path / "kubeconfig"
    path.write_text(json.dumps(KUBECONFIG))
    configuration = auth.client_configuration({"kubeconfig": str(path), "context": "b", "api_key": "t0ken",
                                               "validate_certs": True, "ca_cert": "/ca.pem"})
    assert configuration.auth_settings()["BearerToken"]["value"] == "Bearer t0ken"
    assert configuration.host == "https://b.example:6443"
    assert configuration.verify_ssl is True and configuration.ssl_ca_cert == "/ca.pem"


def test_client_configuration_host_alone_and_several_files(tmp_path):
    # A host alone needs no kubeconfig at all.
    assert auth.client_configuration({"host": "http://127.0.0.1:1"}).host == "http://127.0.0.1:1"
    first, second = tmp_path / "one", tmp_path / "two"
    first.write_text(json.dumps(dict(KUBECONFIG, users=[], contexts=[], clusters=[])))
    second.write_text(json.dumps(KUBECONFIG))
    configuration = auth.client_configuration({"kubeconfig": "%s:%s" % (first, second), "persist_config": True})
    assert configuration.host == "https://a.example:6443"


def test_client_configuration_missing_kubeconfig(tmp_path):
    with pytest.raises(ValueError) as raised:
        auth.client_configuration({"kubeconfig": str(tmp_path / "missing")})
    assert str(raised.value).startswith("kubeconfig: cannot load %s" % (tmp_path / "missing"))


def test_api_client_sends_the_impersonation_headers():
    client = auth.api_client({"host": "http://127.0.0.1:1", "impersonate_user": "u", "impersonate_groups": ["g1", "g2"]})
    assert sorted((str(name), value) for name, value in client.default_headers.items() if name.startswith("Imp")) == [
        ("Impersonate-Group", "g1"), ("Impersonate-Group", "g2"), ("Impersonate-User", "u")]


def test_kubeconfig_credentials_are_found_for_masking():
    user = {"token": "t", "username": "me", "password": "p", "client-key-data": "k"}
    kubeconfig = dict(KUBECONFIG, users=[{"name": "u", "user": user}])
    assert auth.kubeconfig_secrets(kubeconfig) == {"t", "p", "k"}
    assert auth.kubeconfig_secrets("/path/to/kubeconfig") == set()


def test_only_the_kubeconfigs_credentials_stay_masked():
    spec = dict(auth.K8S_AUTH_SPEC, manifests=dict(type="list"))
    # "a" is both a context name and the api_key: it stays masked.
    params = {"kubeconfig": dict(KUBECONFIG, extensions=[{"version": 2}]), "api_key": "a", "manifests": [],
              "proxy_headers": {"proxy_basic_auth": "u:p"}}
    everything = ArgumentSpecValidator(spec).validate(dict(params))._no_log_values
    assert {"v1", "https://a.example:6443", "2", "kubeconfig-token"} <= everything
    assert auth.readable_no_log_values(everything | {"other"}, spec, params) == {"kubeconfig-token", "a", "u:p", "other"}
    assert auth.readable_no_log_values({"/root/.kube/config"}, spec, {"kubeconfig": "/root/.kube/config"}) == set()
