# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""cel-go itself as the oracle for ``_cel``.

lab/cel-oracle is cel-go v0.31.0 (the version zot's go.mod pins) in the environment zot's
``pkg/cel.NewExpression`` builds, with ``req`` (``api.CompileAccessControl``) or ``claims`` and
``vars`` (``cel.NewClaimProcessor``). Every expression below goes through it and through ``_cel``:
both must accept it or both refuse it, and where both accept it they must give it the same type.
The oracle is built once (``go build``, about a minute the first time) into .build/cel-oracle.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ansible_collections.anchorage.registry.plugins.module_utils import _cel

ROOT = Path(__file__).resolve().parents[4]
SOURCE = ROOT / "lab" / "cel-oracle"
BINARY = ROOT / ".build" / "cel-oracle" / "cel-oracle"

REQUEST = [
    # Variables, syntax, names.
    'req.method == "GET"', 'req.method', 'request.x', 'req.method ==', 'req.`foo-bar` == 1', 'req["a"]["b"]',
    'has(req.a)', 'has(req.a.b)', 'req.x.exists(x, x == 1)', '[1].all(x, x > 0) && x == 1', 'req.x.all(k, v, true)',
    'cel.bind(x, 1, x + 1)', 'math.greatest(1, 2)', 'lists.range(3)', 'req.path.glob("a")',
    # Types and overloads of the standard library.
    '1 + "a"', '1 == 1.0', '1u == 1', 'dyn(1) == 1.0', '[1] == [1.0]', '{"a": 1} == {"a": 1u}', 'req.x == null',
    'true ? 1 : "a"', 'true ? 1 : 2', '1 in [1]', '"a" in {"a": 1}', '!true', '-1', '5 % 2', '1 / 0', '1.0 / 0.0',
    'type(1) == int', 'null_type', 'type(null)', 'string(true)', 'bool("true")', 'int("1")', 'uint(1.0)',
    'double("1")', 'double(1u)', 'bytes("a")', 'string(b"a")', 'string(1.5)', 'int(timestamp("2020-01-01T00:00:00Z"))',
    'timestamp(1)', 'duration(1)', 'int(duration("1s"))', 'string(duration("1s"))', 'duration("1s").getMilliseconds()',
    'timestamp("2020-01-01T00:00:00Z").getHours("UTC")', 'timestamp("2020-01-01T00:00:00Z") - duration("1s")',
    'matches("a", "b")', 'size("a") + "a".size() + size(b"a") + [1].size() + {1: 2}.size()', 'req.x.size() == 0',
    '[1, 2].map(x, x * 2)', '[1, 2].map(x, x > 0, x * 2)', '[1].exists_one(x, x == 1)', '[1, 2].filter(x, x > 1)',
    # Cross-type numeric comparisons.
    '1 < 2.0', '1u >= 2', '3.5 > 3u', '2 <= 1u', 'duration("1s") < duration("2s")', '"a" < "b"', 'true > false',
    'req.x < 1', '1 < "a"',
    # Homogeneous aggregate literals.
    '[1, "a"]', '[1, 2.0]', '[1, null]', '[null, null]', '[req.a, req.b]', '["a", req.b]', 'req.a in ["x", req.b]',
    '{"a": 1, "b": "x"}', '{"a": 1, 2: 3}', '{"a": req.x, "b": 1}', '[[1], ["a"]]', '[[1], []]', '[{}, {"a": 1}]',
    '[optional.none(), optional.of(1)]', '[?optional.of(1), 2]', '{?"a": optional.of(1), "b": 2}',
    'req.x.all(v, [1, "a"].size() > 0)', 'req.f.format([1, "a", [2, "b"]])',
    # Optional types.
    'req.?x.orValue("a") == "a"', 'req[?"a"]', '[?optional.none()]', '{?"a": optional.none()}', 'req.?a.b',
    '[1].first()', '[1].last()', 'optional.unwrap([optional.of(1)])', '[optional.none()].unwrapOpt()',
    'optional.of(1).optMap(x, x + 1)', 'optional.of(1).optFlatMap(x, optional.of(x))', 'optional.ofNonZeroValue(1)',
    'optional.none().or(optional.of(1))', 'optional.unwrap([1])',
    # ext.Strings, ext.Sets, ext.Encoders.
    '"a".charAt(0)', '"abc".substring(1, 2)', '" a ".trim()', '"a,b".split(",", 1)', '"a".replace("a", "b", 1)',
    '"a".indexOf("a", 0) + "a".lastIndexOf("a", 0)', '"A".lowerAscii() + "a".upperAscii()', '"a".reverse()',
    '["a"].join(",")', '[1].join(",")', 'strings.quote("a")', '"a".startsWith(1)',
    'sets.contains([1], ["a"])', 'sets.contains(["a"], [req.method])', 'sets.intersects([1], [2u])',
    'sets.equivalent([1u], [1u])', 'sets.union([1], [2])', 'base64.encode(b"a")', 'base64.decode("YQ==")',
    'base64.decode(1)', 'json.encode({"a": 1})',
    # Program creation (OptOptimize): constant conversions are evaluated, constant patterns compiled.
    'req.t > timestamp("2024-01-01")', 'req.t > timestamp("2024-01-01T00:00:00Z")', 'timestamp(253402300800) > req.t',
    'duration("1d") > req.d', 'duration("1h30m") > req.d', 'uint(-1) == req.u', 'int(1e100) > 0', 'int(9.2e18) > 0',
    'int(string(1)) == 1', 'string(b"\\xff") == ""', 'bool("yes")', 'bool("True")', 'double("x") > 0.0',
    'req.x == string(timestamp("bad"))', 'int(req.x) == 1', 'req.path.matches("[")', 'matches(req.path, "a(?=b)")',
    'req.path.matches("\\\\C")', 'req.path.matches("^/v2/[a-z]+$")', 'req.path.matches(req.p)',
    # ext.Strings' check of a literal format string against a literal argument list.
    '"%d".format(["a"])', '"%s".format([[1, req.f, optional.none()]])', '"%s %s".format(["a"])',
    '"%s".format(["a", "b"])', '"%z".format([1])', '"%.101f".format([1.0])', '"%.100f".format([1.0])',
    '"%s %d %.2f %x %o %b %e %%".format([[1], 2, 3.0, b"a", 4u, true, 5])', '"%d".format([req.x])', '"%".format([1])',
    '"%.".format([1])', '"%.2".format([1.0])', '"%.f".format([1.0])', '"%x".format([1.5])', '"%b".format(["a"])',
    '"%o".format([-1])', '"%s".format([{"a": optional.none()}])', '"%d %d".format([1])', '"abc".format([])',
    '"%s".format([null, type(1), duration("1s"), timestamp(0)])', '"%%".format([1])', '"\u00e9%d".format([1])',
    '"%s".format([[1, "a"]])', 'req.f.format([1, "a"])',
]
CLAIMS = [
    # (expression, the output type NewClaimProcessor demands: "bool" for validations)
    ("claims.email_verified", "bool"), ("claims.email_verified == true", "bool"),
    ("claims.org in vars.allowedOrgs", "bool"), ("has(claims.x)", "bool"), ("true", "bool"),
    ("dyn(true)", "bool"), ("claims.?x.orValue(false)", "bool"), ("claims.a == 1 ? true : false", "bool"),
    ("[true][0]", "bool"), ("claims.iss + '/' + claims.sub", ""), ("claims.x.y", ""), ("vars.a + 1", ""),
    ("req.x", ""), ("claims.email.split('@')[1]", ""), ("['org1', 'org2', 'org3']", ""),
]


def oracle_answers(cases):
    if not SOURCE.is_dir():
        pytest.skip("lab/cel-oracle is not here (the release tarball leaves lab/ out)")
    go = shutil.which("go")
    if go is None and not os.environ.get("CI"):
        pytest.skip("no Go toolchain here to build lab/cel-oracle (cel-go)")
    sources = [SOURCE / name for name in ("go.mod", "go.sum", "main.go")]
    if not BINARY.exists() or max(path.stat().st_mtime for path in sources) > BINARY.stat().st_mtime:
        env = dict(os.environ, GOPATH=str(ROOT / ".build" / "go"), GOMODCACHE=str(ROOT / ".build" / "go" / "pkg" / "mod"),
                   GOFLAGS="-modcacherw")
        subprocess.run([go or "go", "build", "-o", str(BINARY), "."], cwd=SOURCE, env=env, check=True, timeout=900)
    lines = "".join(json.dumps({"expression": e, "variables": v, "output": o}) + "\n" for e, v, o in cases)
    done = subprocess.run([str(BINARY)], input=lines, capture_output=True, text=True, check=True, timeout=120)
    return [json.loads(line) for line in done.stdout.splitlines()]


@pytest.fixture(scope="module")
def verdicts():
    cases = [(e, "req", "") for e in REQUEST] + [(e, "claims", o) for e, o in CLAIMS]
    return dict(zip(cases, oracle_answers(cases)))


def ours(expression, variables, output):
    declared = {"req": {"req": _cel.DYN_MAP}, "claims": {"claims": _cel.STRUCT, "vars": _cel.STRUCT}}[variables]
    problem, checked = _cel.compiled(expression, declared)
    if problem:
        return {"error": problem}
    kind = _cel.format_type(checked.type(checked.root))
    errors = _cel.cel_errors(expression, "x", declared, output=output or None)
    return {"error": errors[0]} if _cel.expression_warnings(errors)[0] else {"type": kind}


def test_the_corpus_has_both_verdicts(verdicts):
    # A corpus cel-go accepts whole (or refuses whole) would not test the line between.
    assert {"error" in answer for answer in verdicts.values()} == {True, False}


@pytest.mark.parametrize("expression", REQUEST)
def test_access_control_conditions_as_cel_go_compiles_them(verdicts, expression):
    expected, found = verdicts[(expression, "req", "")], ours(expression, "req", "")
    assert ("error" in found) == ("error" in expected), (expected, found)
    assert found.get("type") == expected.get("type"), (expected, found)


@pytest.mark.parametrize("expression, output", CLAIMS)
def test_claim_mappings_as_cel_go_compiles_them(verdicts, expression, output):
    expected, found = verdicts[(expression, "claims", output)], ours(expression, "claims", output)
    assert ("error" in found) == ("error" in expected), (expected, found)
    assert found.get("type") == expected.get("type"), (expected, found)
