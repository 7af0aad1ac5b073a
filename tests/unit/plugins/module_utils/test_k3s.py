# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest
import yaml

from ansible_collections.anchorage.registry.plugins.module_utils._k3s import (
    EmbeddedRegistry,
    embedded_registry_version,
    merge,
    others_warnings,
    parse,
    render,
    secrets,
    section_errors,
    shared_errors,
    shared_mirrors,
)


def test_the_keys_k3s_reads_pass():
    mirrors = {"docker.io": {"endpoint": ["https://reg:5000", "http://10.0.0.5:5000/v2/hub", "reg2:5000"],
                             "rewrite": {"^rancher/(.*)": "mirror/rancher/$1"}},
               "*": {"endpoint": ["https://reg:5000"]}}
    configs = {"reg:5000": {"auth": {"username": "u", "password": "p"},
                            "tls": {"ca_file": "/ca.crt", "cert_file": "/c.crt", "key_file": "/c.key",
                                    "insecure_skip_verify": False}},
               "reg2:5000": {"auth": {"auth": "dTpw"}}, "reg3": {"auth": {"identity_token": "t"}}}
    assert section_errors("mirrors", mirrors) == []
    assert section_errors("configs", configs) == []


def test_auth_token_is_refused_with_a_hint():
    errors = section_errors("configs", {"reg:5000": {"auth": {"token": "abc"}}})
    assert errors == ["configs.reg:5000.auth.token: unknown key (known keys here: auth, identity_token, password, "
                      "username) (k3s has no auth.token: use identity_token, or username and password)"]


@pytest.mark.parametrize("section, value, words", [
    ("mirrors", {"docker.io": {"endpoints": ["https://x"]}}, "mirrors.docker.io.endpoints: unknown key"),
    ("mirrors", {"docker.io": {"endpoint": "https://x"}}, "mirrors.docker.io.endpoint: must be a list"),
    ("mirrors", {"docker.io": {"endpoint": ["ftp://x"]}}, "mirrors.docker.io.endpoint[0]: 'ftp://x': the scheme must be http:// or https://"),
    ("mirrors", {"https://docker.io": {"endpoint": ["https://x"]}}, "mirrors.https://docker.io: 'https://docker.io' is a URL"),
    ("mirrors", {"docker.io": {"rewrite": {"(?=x)": "y"}}}, "mirrors.docker.io.rewrite.(?=x): '(?=x)' is not a Go regular expression"),
    ("configs", {"reg": {"tls": {"cert_file": "/c.crt"}}}, "configs.reg.tls: cert_file and key_file go together"),
    ("configs", {"reg": {"tls": {"insecure_skip_verify": "yes"}}}, "insecure_skip_verify: must be a boolean"),
    ("configs", {"reg": {"auth": {"username": "u"}}}, "configs.reg.auth: username and password go together"),
    ("configs", {"reg": {"tls": {"ca": "/x"}}}, "configs.reg.tls.ca: unknown key"),
    ("configs", {"reg": []}, "configs.reg: must be a mapping"),
])
def test_what_k3s_would_ignore_or_refuse_is_named(section, value, words):
    assert any(words in error for error in section_errors(section, value)), section_errors(section, value)


def test_parse():
    assert parse(None, "/r.yaml") == {} and parse("# only a comment\n", "/r.yaml") == {}
    assert parse("mirrors:\n  docker.io:\n    endpoint: [https://x]\n", "/r.yaml") == {
        "mirrors": {"docker.io": {"endpoint": ["https://x"]}}}
    with pytest.raises(ValueError, match="/r.yaml must be a YAML mapping .* not a list; fix or remove it first"):
        parse("- mirrors\n", "/r.yaml")
    with pytest.raises(ValueError, match="/r.yaml is not valid YAML"):
        parse("mirrors: [unclosed\n", "/r.yaml")
    with pytest.raises(ValueError, match="/r.yaml: configs must be a mapping"):
        parse("configs: [a]\n", "/r.yaml")


def test_merge_render_round_trip_keeps_other_writers():
    doc = parse("mirrors:\n  quay.io:\n    endpoint: [https://theirs]\nconfigs:\n  theirs:\n    tls:\n"
                "      insecure_skip_verify: true\n", "/r.yaml")
    wanted = {"mirrors": {"*": {"endpoint": ["https://reg:5000"]}},
              "configs": {"reg:5000": {"auth": {"username": "u", "password": "p"}}}}
    new_doc, state, taken = merge(doc, wanted, {})
    assert state == {"mirrors": ["*"], "configs": ["reg:5000"], "sections": []} and taken == []
    text = render(new_doc, "/etc/rancher/k3s/registries.yaml")
    assert text.startswith("# k3s / RKE2 private registries. anchorage.registry owns the entries listed in\n"
                           "# /etc/rancher/k3s/.registries.yaml.anchorage-owned.json and keeps every other entry.\n")
    assert "'*':" in text  # the wildcard must be quoted to be YAML
    assert yaml.safe_load(text) == new_doc
    removed, state, _taken = merge(new_doc, {"mirrors": {}, "configs": {}}, state)
    assert removed == doc and state == {"mirrors": [], "configs": [], "sections": []}


def test_others_entries_get_warnings_ours_do_not():
    doc = {"configs": {"theirs": {"auth": {"token": "x"}}, "ours": {"auth": {"username": "u", "password": "p"}}}}
    warnings = others_warnings(doc, {"configs": ["ours"]})
    assert len(warnings) == 1 and warnings[0].startswith("configs.theirs.auth.token: unknown key")


def test_secrets_lists_every_credential():
    configs = {"a": {"auth": {"username": "u", "password": "p1"}}, "b": {"auth": {"auth": "dTpw"}},
               "c": {"auth": {"identity_token": "tok"}}, "d": {"tls": {"ca_file": "/x"}}}
    assert secrets(configs) == ["p1", "dTpw", "tok"]


def test_a_section_it_created_goes_once_emptied_and_another_writers_stays():
    theirs = parse("mirrors:\n  gcr.io:\n    endpoint: [https://other.example]\n", "/r.yaml")
    wanted = {"mirrors": {"docker.io": {"endpoint": ["http://reg:5000"]}},
              "configs": {"reg:5000": {"tls": {"insecure_skip_verify": True}}}}
    new_doc, state, _taken = merge(theirs, wanted, {})
    removed, emptied, _taken = merge(new_doc, {"mirrors": {}, "configs": {}}, state)
    assert removed == theirs
    assert state.get("sections") == ["configs"]  # mirrors was there before us
    assert emptied == {"mirrors": [], "configs": [], "sections": []}
    # An empty section another writer put there is theirs, and stays.
    kept, _state, _taken = merge({"configs": {}}, {"mirrors": {}, "configs": {}}, {})
    assert kept == {"configs": {}}


def test_an_empty_mirror_entry_as_k3s_documents_it_for_the_embedded_registry_passes():
    doc = parse('mirrors:\n  docker.io:\n  "*":\n', "/r.yaml")
    assert doc == {"mirrors": {"docker.io": None, "*": None}}
    assert section_errors("mirrors", doc["mirrors"]) == [] and others_warnings(doc, {}) == []
    assert section_errors("mirrors", {"docker.io": "x"}) == ["mirrors.docker.io: must be a mapping or empty, got str"]


def test_shared_registries_are_checked_and_need_the_embedded_registry():
    assert shared_errors([], False) == [] and shared_errors(["registry.k8s.io", "*"], True) == []
    assert shared_errors(["registry.k8s.io"], False) == [
        "embedded_registry_mirrors: needs embedded_registry true (an entry without endpoints only makes the "
        "embedded registry share that registry's images)"]
    errors = shared_errors(["registry.k8s.io", "https://ghcr.io"], True)
    assert len(errors) == 1 and errors[0].startswith("embedded_registry_mirrors[1]: 'https://ghcr.io' is a URL")


def test_a_shared_registry_gets_an_empty_entry_only_where_it_has_none():
    current = {"gcr.io": {"endpoint": ["https://other.example"]}, "quay.io": {}}
    wanted = {"docker.io": {"endpoint": ["http://reg:5000"]}}
    names = ["docker.io", "gcr.io", "quay.io", "registry.k8s.io"]
    # docker.io has ours, gcr.io another writer's (which serves the embedded registry as well);
    # quay.io's empty entry is ours from the run before.
    assert shared_mirrors(current, wanted, ["quay.io"], names) == {"quay.io": {}, "registry.k8s.io": {}}


def test_the_drop_in_turns_the_embedded_registry_on():
    text = EmbeddedRegistry().render(EmbeddedRegistry().build({"embedded_registry": True}, {}), "/d.yaml")
    assert yaml.safe_load(text) == {"embedded-registry": True} and text.startswith("# Written by anchorage.registry")


@pytest.mark.parametrize("output, wildcard, error, warning", [
    ("k3s version v1.29.1+k3s2 (57482a1c)\ngo version go1.21.6\n", False, None, None),
    ("rke2 version v1.26.13+rke2r1 (a1b2c3d4)\ngo version go1.20.13 X:boringcrypto\n", False, None, None),
    ("k3s version v1.33.0+k3s1 (63ab8e53)\n", True, None, None),
    ("k3s version v1.31.4+k3s1 (a562d090)\n", True, None, None),
    ("k3s version v1.28.5+k3s1 (5b2d1271)\n", False,
     "k3s v1.28.5+k3s1 on this node has no embedded registry mirror (it would ignore embedded-registry): "
     "it needs v1.26.13, v1.27.10, v1.28.6, v1.29.1 or later", None),
    ("rke2 version v1.25.16+rke2r1 (x)\n", False, "rke2 v1.25.16+rke2r1 on this node has no embedded registry mirror", None),
    ("k3s version v1.29.2+k3s1 (86f10213)\n", True, None,
     'k3s v1.29.2+k3s1 shares "*" from v1.26.15, v1.27.12, v1.28.8, v1.29.3 or later'),
    ("k3s version v1.29.2+k3s1 (86f10213)\n", False, None, None),
    ("", False, None, "the k3s/RKE2 version was not checked: --version printed ''"),
    ("sleep (GNU coreutils) 9.1\n", False, None, "the k3s/RKE2 version was not checked: --version printed 'sleep (GNU"),
])
def test_a_server_is_refused_the_embedded_registry_by_its_release(output, wildcard, error, warning):
    found_error, found_warning = embedded_registry_version(output, wildcard)
    assert (found_error or "").startswith(error or "") and bool(found_error) == bool(error)
    assert (found_warning or "").startswith(warning or "") and bool(found_warning) == bool(warning)
