# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""A small declarative checker for the config files we write.

Distribution and zot both ignore or misread keys they do not know; our modules reject
them instead, naming the key's full path. A schema is a plain dict:

    {"type": "object", "fields": {"name": {...}}, "extra": False}

Types: ``str``, ``int``, ``bool``, ``number``, ``list`` (``items``), ``object`` (``fields``;
``extra`` allows unknown keys, ``values`` checks every value of a free-form map),
``duration`` (Go's time.ParseDuration syntax), ``any``. Other keys: ``required``
(list of field names, on objects), ``choices``, ``min``, ``max``, ``check`` (a function
``check(value, where)`` returning a list of messages, the contract of ``_checks``, run when
the value passed the other rules), ``alias_of`` (documented spelling another key stands for).
"""

from __future__ import annotations

import hashlib
import hmac
import os

from ansible_collections.anchorage.registry.plugins.module_utils._checks import duration_errors
from ansible_collections.anchorage.registry.plugins.module_utils._files import text_diff

#: What a secret is shown as in results and diffs.
MASK = "********"


def _type_ok(value, kind):
    if kind == "any":
        return True
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind in ("str", "duration"):
        return isinstance(value, str)
    if kind == "list":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, dict)
    if kind == "null":
        return value is None
    raise ValueError("unknown schema type %r" % kind)


_TYPE_WORDS = {
    "bool": "a boolean",
    "int": "an integer",
    "number": "a number",
    "str": "a string",
    "duration": "a duration string (e.g. 30s, 5m, 1h)",
    "list": "a list",
    "object": "a mapping",
    "null": "empty",
}


def join_path(path, key):
    if isinstance(key, int):
        return "%s[%d]" % (path, key)
    return "%s.%s" % (path, key) if path else str(key)


def validate(value, schema, path=""):
    """Return a list of error texts, each starting with the offending key's path."""
    where = path or "(top level)"
    kinds = schema.get("type", "any")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if not any(_type_ok(value, kind) for kind in kinds):
        words = " or ".join(_TYPE_WORDS.get(k, k) for k in kinds)
        return ["%s: must be %s, got %s" % (where, words, type(value).__name__)]
    errors = []
    if "choices" in schema and value not in schema["choices"]:
        errors.append("%s: %r is not one of %s" % (where, value, ", ".join(repr(c) for c in schema["choices"])))
    if "min" in schema and isinstance(value, (int, float)) and value < schema["min"]:
        errors.append("%s: %r is below the minimum %r" % (where, value, schema["min"]))
    if "max" in schema and isinstance(value, (int, float)) and value > schema["max"]:
        errors.append("%s: %r is above the maximum %r" % (where, value, schema["max"]))
    if "duration" in kinds and isinstance(value, str):
        errors.extend(duration_errors(value, where))
    if isinstance(value, dict) and "object" in kinds:
        errors.extend(_validate_object(value, schema, path))
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            errors.extend(validate(item, schema["items"], join_path(path, index)))
    if not errors and "check" in schema:
        errors.extend(schema["check"](value, where))
    return errors


def _validate_object(value, schema, path):
    errors = []
    fields = schema.get("fields", {})
    for name in schema.get("required", []):
        if value.get(name) in (None, ""):
            errors.append("%s: is required" % join_path(path, name))
    for key, item in value.items():
        if key in fields:
            errors.extend(validate(item, fields[key], join_path(path, key)))
        elif "values" in schema:
            errors.extend(validate(item, schema["values"], join_path(path, key)))
        elif not schema.get("extra", False):
            known = ", ".join(sorted(fields)) or "none"
            errors.append("%s: unknown key (known keys here: %s)" % (join_path(path, key), known))
    return errors


# Builders for the schemas of the formats (_distribution, _zot, _k3s): one set, so a schema
# reads the same in every format.

def string(**extra):
    return dict(type="str", **extra)


def mapping(fields, required=(), **extra):
    """An object with known ``fields`` (``extra=True`` lets unknown keys through)."""
    return dict(type="object", fields=fields, required=list(required), **extra)


def map_of(values, **extra):
    """A free-form map: any key, every value checked against ``values``."""
    return dict(type="object", fields={}, values=values, **extra)


def list_of(items, **extra):
    return dict(type="list", items=items, **extra)


BOOL = {"type": "bool"}
INT = {"type": "int"}
COUNT = {"type": "int", "min": 0}
DURATION = {"type": "duration"}
STRINGS = list_of(string())


def drop_none(value):
    """Remove None values and empty mappings left behind, recursively (typed options → config)."""
    if isinstance(value, dict):
        cleaned = {}
        for key, item in value.items():
            item = drop_none(item)
            if item is None or (isinstance(item, dict) and not item):
                continue
            cleaned[key] = item
        return cleaned
    if isinstance(value, list):
        return [drop_none(item) for item in value if item is not None]
    return value


def deep_merge(base, override):
    """Merge ``override`` into a copy of ``base``: mappings merge, everything else replaces."""
    if not isinstance(base, dict) or not isinstance(override, dict):
        return override
    merged = dict(base)
    for key, item in override.items():
        merged[key] = deep_merge(base[key], item) if key in base else item
    return merged


# Secrets: schema nodes carrying ``"secret": True`` (Distribution's config.yml, Harbor's harbor.yml).

def walk_secrets(value, schema, replace):
    """A copy of ``value`` where every value the schema marks secret is ``replace(value)``."""
    if schema.get("secret") and value is not None:
        return replace(value)
    if isinstance(value, dict):
        fields = schema.get("fields", {})
        return dict(
            (key, walk_secrets(item, fields.get(key, schema.get("values", {})), replace))
            for key, item in value.items()
        )
    if isinstance(value, list):
        return [walk_secrets(item, schema.get("items", {}), replace) for item in value]
    return value


def marked_secrets(value, schema):
    """Every secret in ``value`` as a string (for ``AnsibleModule.no_log_values``)."""
    found = []

    def collect(secret):
        found.extend(secret if isinstance(secret, list) else [secret])
        return secret

    walk_secrets(value, schema, collect)
    return [str(secret) for secret in found if secret not in (None, "")]


def diff_masker(key):
    """A replace function tagging each secret with a keyed digest: equal secrets show equal
    tags, a changed secret shows a different tag, and without ``key`` (random, never returned)
    the tag reveals nothing about the secret."""
    def replace(value):
        tag = hmac.new(key, repr(value).encode("utf-8"), hashlib.sha256).hexdigest()[:8]
        return "%s (%s)" % (MASK, tag)
    return replace


def masked_diff(path, before_text, data, schema, render, parse):
    """A --diff dict whose both sides are ``render``ings with secrets tagged, never shown;
    ``parse(before_text)`` is None when the live file is not a YAML mapping."""
    replace = diff_masker(os.urandom(16))
    after = render(walk_secrets(data, schema, replace))
    if before_text is None:
        before = None
    else:
        old = parse(before_text)
        if old is None:
            before = "# (not a YAML mapping: %d bytes not shown)\n" % len(before_text)
        else:
            before = render(walk_secrets(old, schema, replace))
    return text_diff(path, before, after)
