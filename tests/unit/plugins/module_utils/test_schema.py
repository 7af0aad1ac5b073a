"""_schema: the config checker shared by the Distribution and zot modules."""

from __future__ import annotations

import pytest

from ansible_collections.anchorage.registry.plugins.module_utils import _schema
from ansible_collections.anchorage.registry.plugins.module_utils._schema import (
    deep_merge,
    drop_none,
    validate,
)

SCHEMA = {
    "type": "object",
    "required": ["name"],
    "fields": {
        "name": {"type": "str"},
        "port": {"type": "int", "min": 1, "max": 65535},
        "mode": {"type": "str", "choices": ["a", "b"]},
        "ttl": {"type": "duration"},
        "tags": {"type": "list", "items": {"type": "str"}},
        "labels": {"type": "object", "values": {"type": "str"}},
        "free": {"type": "object", "extra": True},
        "even": {"type": "int", "check": lambda v, where: [] if v % 2 == 0 else ["%s: must be even" % where]},
    },
}


def test_a_valid_document_has_no_errors():
    doc = {"name": "x", "port": 5000, "mode": "a", "ttl": "1h", "tags": ["t"], "labels": {"k": "v"},
           "free": {"anything": [1]}, "even": 4}
    assert validate(doc, SCHEMA) == []


@pytest.mark.parametrize(
    "doc,error",
    [
        ({"name": "x", "prot": 1}, "prot: unknown key (known keys here: even, free, labels, mode, name, port, tags, ttl)"),
        ({}, "name: is required"),
        ({"name": "x", "port": 0}, "port: 0 is below the minimum 1"),
        ({"name": "x", "port": 70000}, "port: 70000 is above the maximum 65535"),
        ({"name": "x", "port": True}, "port: must be an integer, got bool"),
        ({"name": "x", "mode": "c"}, "mode: 'c' is not one of 'a', 'b'"),
        ({"name": "x", "ttl": "1d"}, "ttl: '1d' is not a duration"),
        ({"name": "x", "tags": ["ok", 3]}, "tags[1]: must be a string, got int"),
        ({"name": "x", "labels": {"k": 1}}, "labels.k: must be a string, got int"),
        ({"name": "x", "even": 3}, "even: must be even"),
    ],
)
def test_each_error_names_the_path(doc, error):
    errors = validate(doc, SCHEMA)
    assert len(errors) == 1
    assert errors[0].startswith(error)


def test_drop_none_removes_unset_options_and_the_empty_mappings_they_leave():
    assert drop_none({"a": None, "b": {"c": None}, "d": [1, None], "e": {"f": 0}}) == {"d": [1], "e": {"f": 0}}


def test_deep_merge_merges_mappings_and_replaces_the_rest():
    base = {"a": {"b": 1, "c": [1]}, "d": 1}
    assert deep_merge(base, {"a": {"c": [2]}, "e": 2}) == {"a": {"b": 1, "c": [2]}, "d": 1, "e": 2}
    assert base == {"a": {"b": 1, "c": [1]}, "d": 1}


def test_the_builders_make_schemas_validate_reads():
    schema = _schema.mapping({"name": _schema.string(), "tags": _schema.STRINGS,
                              "labels": _schema.map_of(_schema.string()), "every": _schema.DURATION},
                             required=["name"])
    assert _schema.validate({"name": "a", "tags": ["x"], "labels": {"k": "v"}, "every": "5m"}, schema) == []
    assert _schema.validate({"tags": [1], "labels": {"k": 2}, "every": "soon", "oops": 1}, schema) == [
        "name: is required",
        "tags[0]: must be a string, got int",
        "labels.k: must be a string, got int",
        "every: 'soon' is not a duration: use numbers with units ns, us, ms, s, m, h (e.g. 90s, 1h30m)",
        "oops: unknown key (known keys here: every, labels, name, tags)",
    ]
