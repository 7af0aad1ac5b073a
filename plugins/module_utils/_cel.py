# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""CEL expressions compiled as zot compiles them, with Google's CEL (cel-expr-python: cel-cpp's parser and checker).

zot builds every CEL environment in ``pkg/cel.NewExpression`` (cel-go v0.31): the standard library,
``cel.CrossTypeNumericComparisons(true)``, ``cel.HomogeneousAggregateLiterals()``, ``cel.OptionalTypes()``,
``ext.Strings()``, ``ext.Sets()`` and ``ext.Encoders()`` at their latest versions, and ``cel.WithCompile()``:
the expression is parsed and type-checked, so a syntax error, an undeclared name or function and a type
error (``1 + "a"``) are all refused. cel-cpp's checker follows the same specification; where its library
differs from cel-go's, ``ENVIRONMENT`` declares what cel-go declares (the comparison operators with their
cross-type overloads, ``duration`` without an int overload, ``optional.unwrap``, ``json.encode``). The
validators cel-cpp lacks run here on the checked AST: homogeneous literals (``aggregate_literal_errors``)
and ext.Strings' check of a literal format string against its literal arguments (``format_errors``), and
so do the two checks of zot's program creation (``program_errors``). cel-go itself (lab/cel-oracle) is
the oracle the unit tests compare this with.
"""

from __future__ import annotations

import functools
import json
import re
import struct

from ansible_collections.anchorage.registry.plugins.module_utils._checks import regex_errors

try:
    from cel_expr_python import cel
    HAS_CEL = True
except ImportError:
    HAS_CEL = False

CEL_MISSING = "not checked: the Python library cel-expr-python is not installed (it has wheels for CPython 3.11 and newer)"
NOT_CHECKED = ": not checked: "
# A result type zot's Evaluate* can never use: zot accepts the expression, every evaluation fails.
UNUSABLE = ": zot accepts it, but "


def _type(name, *params):
    return {"type_name": name, "params": list(params)} if params else {"type_name": name}


def _param(name):
    return {"type_name": name, "is_type_param": True}


def _overloads(function, ids, *signatures):
    return {"name": function, "overloads": [
        {"id": overload_id, "args": [_type(arg) for arg in args], "return": _type(result)}
        for overload_id, (args, result) in zip(ids, signatures)]}


# cel-go's ordering operators: each type with itself, and (CrossTypeNumericComparisons) int, uint and
# double with each other. cel-cpp declares only the first kind; we replace its declarations.
_ORDERED = ("bool", "int", "uint", "double", "string", "bytes", "timestamp", "duration")
_NUMERIC = ("int", "uint", "double")
_ORDERING = {"_<_": "less", "_<=_": "less_equals", "_>_": "greater", "_>=_": "greater_equals"}
_ORDER_PAIRS = [(t, t) for t in _ORDERED] + [(a, b) for a in _NUMERIC for b in _NUMERIC if a != b]
_V = _param("V")
# cel-go's checker sees google.protobuf.Struct as map(string, dyn), as cel-cpp's does.
DYN_MAP = _type("map", _type("string"), _type("dyn"))
STRUCT = _type("google.protobuf.Struct")
ENVIRONMENT = {
    "name": "zot",
    "extensions": [{"name": name, "version": "latest"} for name in ("strings", "sets", "encoders", "optional")],
    "stdlib": {"exclude_functions": [{"name": name} for name in sorted(_ORDERING) + ["duration"]]},
    "functions": [
        _overloads(function, ["%s_%s_%s" % (prefix, a, b) for a, b in _ORDER_PAIRS],
                   *[((a, b), "bool") for a, b in _ORDER_PAIRS])
        for function, prefix in sorted(_ORDERING.items())
    ] + [
        # cel-go dropped duration(int) (cel-go #1300, before v0.31).
        _overloads("duration", ["duration_to_duration", "string_to_duration"],
                   (("duration",), "duration"), (("string",), "duration")),
        # ext.Encoders version 1 (cel-go v0.31), which cel-cpp's encoders lack.
        _overloads("json.encode", ["json_encode_dyn"], (("dyn",), "string")),
        # Optional types version 2 (cel-go): cel-cpp has first() and last() but not these two.
        {"name": "optional.unwrap", "overloads": [{"id": "optional_unwrap", "args": [
            _type("list", _type("optional_type", _V))], "return": _type("list", _V)}]},
        {"name": "unwrapOpt", "overloads": [{"id": "optional_unwrapOpt", "target": _type(
            "list", _type("optional_type", _V)), "return": _type("list", _V)}]},
    ],
}

# What zot's Expression.Evaluate* can convert: the static result types that may work at run time.
EVALUATED_AS = {
    "EvaluateBoolean": ("bool", "dyn"),
    "EvaluateString": ("string", "dyn"),
    "EvaluateStringSlice": ("list(string)", "list(dyn)", "dyn"),
}


def _key(variables):
    return tuple(sorted((name, json.dumps(kind, sort_keys=True)) for name, kind in variables.items()))


@functools.lru_cache(maxsize=None)
def _environment(variables):
    config = dict(ENVIRONMENT, variables=[dict(json.loads(kind), name=name) for name, kind in variables])
    return cel.NewEnv(config=cel.NewEnvConfigFromYaml(json.dumps(config)))


# The checked AST (cel.expr.CheckedExpr) comes out of cel-cpp as protobuf bytes; these few fields are
# read with a minimal reader of the protobuf wire format rather than a protobuf dependency.
def _varint(data, index):
    value = shift = 0
    while True:
        byte = data[index]
        index += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, index


def fields(data):
    """``{field number: [values]}`` of one protobuf message: varints as int, everything else as bytes."""
    found, index = {}, 0
    while index < len(data):
        key, index = _varint(data, index)
        wire = key & 7
        if wire == 0:
            value, index = _varint(data, index)
        elif wire == 2:
            size, index = _varint(data, index)
            value, index = data[index:index + size], index + size
        elif wire in (1, 5):
            size = 8 if wire == 1 else 4
            value, index = data[index:index + size], index + size
        else:
            raise ValueError("protobuf wire type %d is not used by cel.expr" % wire)
        found.setdefault(key >> 3, []).append(value)
    return found


def _one(message, number, default=b""):
    return message.get(number, [default])[0]


def _varints(values):
    """A repeated int field, packed (bytes) or not."""
    result = []
    for value in values:
        if isinstance(value, int):
            result.append(value)
            continue
        index = 0
        while index < len(value):
            number, index = _varint(value, index)
            result.append(number)
    return result


_PRIMITIVES = {1: "bool", 2: "int", 3: "uint", 4: "double", 5: "string", 6: "bytes"}
_WELL_KNOWN = {1: "any", 2: "timestamp", 3: "duration"}


def type_of(data):
    """A cel.expr.Type as ``(name, parameters, is_type_parameter)``, named as cel-go's FormatCELType names it."""
    message = fields(data)
    if 1 in message:
        return ("dyn", (), False)
    if 2 in message:
        return ("null", (), False)
    if 3 in message:
        return (_PRIMITIVES.get(message[3][0], "?"), (), False)
    if 4 in message:
        return ("wrapper", ((_PRIMITIVES.get(message[4][0], "?"), (), False),), False)
    if 5 in message:
        return (_WELL_KNOWN.get(message[5][0], "?"), (), False)
    if 6 in message:
        return ("list", (type_of(_one(fields(message[6][0]), 1)),), False)
    if 7 in message:
        entry = fields(message[7][0])
        return ("map", (type_of(_one(entry, 1)), type_of(_one(entry, 2))), False)
    if 9 in message:
        return (message[9][0].decode(), (), False)
    if 10 in message:
        return (message[10][0].decode(), (), True)
    if 11 in message:
        return ("type", (type_of(message[11][0]),), False)
    if 14 in message:
        abstract = fields(message[14][0])
        return (_one(abstract, 1).decode(), tuple(type_of(p) for p in abstract.get(2, [])), False)
    return ("!error!", (), False)


def format_type(kind):
    name, params, _is_param = kind
    return "%s(%s)" % (name, ", ".join(format_type(p) for p in params)) if params else name


def equivalent(first, second):
    """cel-go's Type.IsEquivalentType: type parameters match whatever their names."""
    if first[2] and second[2]:
        return True
    return (first[0] == second[0] and len(first[1]) == len(second[1])
            and all(equivalent(a, b) for a, b in zip(first[1], second[1])))


class CheckedExpression:
    """What the homogeneous-literal rule needs of a checked AST: expressions, their types and offsets."""

    def __init__(self, serialized):
        checked = fields(_one(fields(serialized), 2))  # google.protobuf.Any{type_url, value}
        self.types = {}
        for entry in checked.get(3, []):
            item = fields(entry)
            self.types[_one(item, 1, 0)] = type_of(_one(item, 2))
        self.positions = {}
        for entry in fields(_one(checked, 5)).get(4, []):
            item = fields(entry)
            self.positions[_one(item, 1, 0)] = _one(item, 2, 0)
        self.root = fields(_one(checked, 4))

    def type(self, expr):
        return self.types.get(_one(expr, 2, 0), ("dyn", (), False))

    def offset(self, expr):
        return self.positions.get(_one(expr, 2, 0), 0)


def _children(expr):
    """``(function name or None, sub-expressions)`` of a cel.expr.Expr."""
    if 5 in expr:
        return None, [fields(_one(fields(expr[5][0]), 1))]
    if 6 in expr:
        call = fields(expr[6][0])
        return _one(call, 2).decode(), [fields(e) for e in call.get(1, []) + call.get(3, [])]
    if 7 in expr:
        return None, [fields(e) for e in fields(expr[7][0]).get(1, [])]
    if 8 in expr:
        entries = [fields(e) for e in fields(expr[8][0]).get(2, [])]
        return None, [fields(e[n][0]) for e in entries for n in (3, 4) if n in e]
    if 9 in expr:
        loop = fields(expr[9][0])
        return None, [fields(loop[n][0]) for n in (2, 4, 5, 6, 7) if n in loop]
    return None, []


def _walk(root):
    """Every sub-expression as ``(expr, its function or None, the functions of the calls around it)``."""
    pending = [(root, ())]
    while pending:
        expr, around = pending.pop()
        function, children = _children(expr)
        yield expr, function, around
        pending.extend((child, around + (function,)) for child in children)


def _literal_elements(expr):
    """``[(expression, type is wrapped in an optional)]`` lists of a list or map literal, else []."""
    if 7 in expr:
        literal = fields(expr[7][0])
        optional = set(_varints(literal.get(2, [])))
        return [[(fields(e), i in optional) for i, e in enumerate(literal.get(1, []))]]
    if 8 in expr and not _one(fields(expr[8][0]), 1):  # a map, not a message literal
        entries = [fields(e) for e in fields(expr[8][0]).get(2, [])]
        keys = [(fields(e[3][0]), False) for e in entries if 3 in e]
        values = [(fields(e[4][0]), bool(_one(e, 5, 0))) for e in entries if 4 in e]
        return [keys, values]
    return []


def aggregate_literal_errors(ast, expression):
    """cel-go's homogeneousAggregateLiteralValidator: every element of a literal has the first one's type.

    Literals anywhere inside a ``format`` call are exempt (ext.Strings exempts them for its own check).
    """
    problems = []
    for expr, _function, around in _walk(ast.root):
        if "format" in around:
            continue
        for elements in _literal_elements(expr):
            first = None
            for element, optional in elements:
                kind = ast.type(element)
                if optional and kind[1]:
                    kind = kind[1][0]
                if first is None:
                    first = kind
                elif not equivalent(first, kind):
                    problems.append((ast.offset(element), "expected type '%s' but found '%s'" % (
                        format_type(first), format_type(kind))))
                    if 7 in expr:  # a list stops at its first mismatch, a map checks every entry
                        break
    return _located(problems, expression)


def _located(problems, expression):
    return ["ERROR: <input>:%d:%d: %s" % (line_column(expression, offset) + (message,))
            for offset, message in sorted(problems)]


def _string_constant(expr):
    """The value of a string literal, else None."""
    constant = fields(expr[3][0]) if 3 in expr else {}
    return _one(constant, 6).decode("utf-8") if 6 in constant else None


# ext.Strings' stringFormatValidatorV2 (cel-go v0.31, strings version 5): the clauses of a literal format
# string against the types of a literal argument list; a dyn argument passes every clause.
_FORMAT_CLAUSES = {
    "d": ("int", "uint", "double"), "f": ("int", "uint", "double"), "e": ("int", "uint", "double"),
    "b": ("bool", "int", "uint"), "x": ("int", "uint", "string", "bytes"), "X": ("int", "uint", "string", "bytes"),
    "o": ("int", "uint"),
}
_FORMAT_STRING = ("list", "map", "int", "uint", "double", "bool", "string", "timestamp", "bytes", "duration", "type",
                  "null")
_FORMAT_KINDS = {
    "d": "decimal clause can only be used on ints, uints, and doubles",
    "f": "fixed-point clause can only be used on ints, uints, and doubles",
    "e": "scientific clause can only be used on ints, uints, and doubles",
    "b": "only ints, uints, and bools can be formatted as binary",
    "x": "only ints, uints, bytes, and strings can be formatted as hex",
    "X": "only ints, uints, bytes, and strings can be formatted as hex",
    "o": "octal clause can only be used on ints and uints",
    "s": "string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, types, durations, "
         "and timestamps",
}
_MAX_PRECISION = 100


def _fits(kind, allowed):
    return kind[0] == "dyn" and not kind[2] or (not kind[2] and kind[0] in allowed)


def _unformattable_string(ast, expr):
    """The (nested) argument the %s clause refuses, else None."""
    if not _fits(ast.type(expr), _FORMAT_STRING):
        return expr
    for elements in _literal_elements(expr):
        for element, _optional in elements:
            bad = _unformattable_string(ast, element)
            if bad is not None:
                return bad
    return None


def _format_problem(ast, text, args):
    """``(the expression at fault or None for the call, message)`` of parseFormatStringV2 checking, else None."""
    data, index, requested = text.encode("utf-8"), 0, 0
    while index < len(data):
        if data[index:index + 1] != b"%":
            index += 1
            continue
        if data[index + 1:index + 2] == b"%":
            index += 2
            continue
        requested += 1
        if index + 1 >= len(data):
            return None, "unexpected end of string"
        if requested > len(args):
            return None, "index %d out of range" % (requested - 1)
        index += 1
        if data[index:index + 1] == b".":
            start = index = index + 1
            while index < len(data) and data[index:index + 1].isdigit():
                index += 1
            if index >= len(data):
                return None, "could not parse formatting clause: error while parsing precision: could not find end " \
                             "of precision specifier"
            if start == index:
                return None, "could not parse formatting clause: error while parsing precision: error while " \
                             "converting precision to integer: strconv.Atoi: parsing \"\": invalid syntax"
            if int(data[start:index]) > _MAX_PRECISION:
                return None, "could not parse formatting clause: error while parsing precision: precision %d " \
                             "exceeds maximum allowed precision %d" % (int(data[start:index]), _MAX_PRECISION)
        clause = chr(data[index])
        index += 1
        arg = args[requested - 1]
        if clause == "s":
            bad = _unformattable_string(ast, arg)
        elif clause in _FORMAT_CLAUSES:
            bad = None if _fits(ast.type(arg), _FORMAT_CLAUSES[clause]) else arg
        else:
            return None, 'could not parse formatting clause: unrecognized formatting clause "%s"' % clause
        if bad is not None:
            return bad, "error during formatting: %s, was given %s" % (_FORMAT_KINDS[clause], ast.type(bad)[0])
    if len(args) > requested:
        return None, "too many arguments supplied to string.format (expected %d, got %d)" % (requested, len(args))
    return None


def format_errors(ast, expression):
    """stringFormatValidatorV2 on every ``'...'.format([...])``: a literal format string and a list literal."""
    problems = []
    for expr, function, _around in _walk(ast.root):
        call = fields(expr[6][0]) if function == "format" else {}
        target, args = [fields(e) for e in call.get(1, [])], [fields(e) for e in call.get(3, [])]
        if not (target and _string_constant(target[0]) is not None and len(args) == 1 and 7 in args[0]):
            continue
        found = _format_problem(ast, _string_constant(target[0]), [fields(e) for e in fields(args[0][7][0]).get(1, [])])
        if found:
            problems.append((ast.offset(found[0] or expr), found[1]))
    return _located(problems, expression)


# Program creation (NewExpression's env.Program with cel.OptOptimize) evaluates a type conversion of a
# constant and compiles the constant pattern of matches(): either can fail after Compile succeeded.
CONVERSIONS = frozenset(("bool", "bytes", "double", "duration", "dyn", "int", "string", "timestamp", "type", "uint"))


def _literal(constant):
    """CEL source of a cel.expr.Constant."""
    value = fields(constant)
    if 1 in value:
        return "null"
    if 2 in value:
        return "true" if value[2][0] else "false"
    if 3 in value:
        number = value[3][0]
        return str(number - (1 << 64) if number >= 1 << 63 else number)
    if 4 in value:
        return "%du" % value[4][0]
    if 5 in value:
        return repr(struct.unpack("<d", value[5][0])[0])
    if 6 in value:
        return json.dumps(value[6][0].decode("utf-8"), ensure_ascii=False)
    if 7 in value:
        return 'b"%s"' % "".join("\\x%02x" % byte for byte in value[7][0])
    return None


def constant_source(expr):
    """CEL source of a literal, or of a conversion of one (which the optimizer folds), else None."""
    if 3 in expr:
        return _literal(expr[3][0])
    if 6 in expr:
        call = fields(expr[6][0])
        function, args = _one(call, 2).decode(), call.get(3, [])
        if function in CONVERSIONS and 1 not in call and len(args) == 1:
            inner = constant_source(fields(args[0]))
            return None if inner is None else "%s(%s)" % (function, inner)
    return None


def _conversion_error(env, expr):
    """What a conversion of a constant evaluates to when that is an error, else None."""
    source = constant_source(expr)
    value = env.compile(source).eval() if source else None
    if value is None or value.type().name() != "ERROR":
        return None
    reason = re.sub(r"^[A-Z_]+: ", "", str(value.value()))
    # cel-cpp's checker declares conversions its runtime lacks (int(duration)); cel-go has them.
    return None if reason.startswith("No matching overloads") else "%s: %s" % (source, reason)


def program_errors(env, root):
    """Why ``env.Program(ast, EvalOptions(OptOptimize))`` fails: a constant conversion, a matches() pattern."""
    problems = []
    for expr, function, _around in _walk(root):
        if function in CONVERSIONS and 1 not in fields(expr[6][0]):
            problem = _conversion_error(env, expr)
            # The innermost failing conversion is the one reported.
            if problem and not any(_conversion_error(env, child) for child in _children(expr)[1]):
                problems.append(problem)
        elif function == "matches":
            call = fields(expr[6][0])
            args = call.get(3, [])
            pattern = fields(args[0] if 1 in call else args[-1]) if args else {}
            if 3 in pattern and 6 in fields(pattern[3][0]):
                problems.extend(regex_errors(_one(fields(pattern[3][0]), 6).decode("utf-8"), "matches"))
    return problems


def line_column(expression, offset):
    """1-based line and column of a code-point offset, as cel-go prints them."""
    line = expression.count("\n", 0, offset) + 1
    return line, offset - (expression.rfind("\n", 0, offset) + 1) + 1


def issues(exc):
    """cel's issues of a failed compile, one line each, without the source and caret lines."""
    text = str(exc)
    for decoration in ("INVALID_ARGUMENT: ", " [INVALID_ARGUMENT]"):
        text = text.replace(decoration, "")
    return [line.strip() for line in text.splitlines() if line.startswith("ERROR: ")] or [" ".join(text.split())]


def compiled(expression, variables):
    """``(problem, checked AST)`` of zot's ``Env.Compile``: why it refuses ``expression``, or its AST."""
    env = _environment(_key(variables))
    try:
        env.compile(expression, disable_check=True)
    except RuntimeError as exc:
        return "is not a CEL expression: %s" % "; ".join(issues(exc)), None
    try:
        checked = CheckedExpression(env.compile(expression).serialize())
    except RuntimeError as exc:
        return "does not compile: %s" % "; ".join(issues(exc)), None
    problems = aggregate_literal_errors(checked, expression) + format_errors(checked, expression)
    return ("does not compile: %s" % "; ".join(problems), None) if problems else (None, checked)


def cel_errors(expression, where, variables, output=None, evaluated_as=None):
    """Why zot's ``cel.NewExpression(expression, WithCompile(), ...)`` would fail (``_checks`` contract).

    ``variables`` maps names to their declared types (``DYN_MAP``, ``STRUCT``); ``output`` is the type
    ``WithOutputType`` demands exactly; ``evaluated_as`` the ``Expression.Evaluate*`` zot runs it with:
    a result type that can never convert is a warning (``UNUSABLE``), since zot accepts it.
    """
    if not HAS_CEL:
        return ["%s: %s" % (where, CEL_MISSING)]
    if not isinstance(expression, str) or not expression.strip():
        return ["%s: an empty CEL expression does not compile" % where]
    problem, checked = compiled(expression, variables)
    if problem:
        return ["%s: %r %s" % (where, expression, problem)]
    result = format_type(checked.type(checked.root))
    if output and result != output:
        return ["%s: %r does not compile: CEL expression output type mismatch: expected %s, got %s" % (
            where, expression, output, result)]
    problems = program_errors(_environment(_key(variables)), checked.root)
    if problems:
        return ["%s: %r does not compile: failed to create CEL program: %s" % (where, expression, "; ".join(problems))]
    if evaluated_as and result not in EVALUATED_AS[evaluated_as]:
        return ["%s%s%r has type %s and zot evaluates it with %s, which fails every time" % (
            where, UNUSABLE, expression, result, evaluated_as)]
    return []


def expression_warnings(errors):
    """``(errors, warnings)``: what could not be checked here, or what zot accepts, is a warning."""
    warnings = [error for error in errors if NOT_CHECKED in error or UNUSABLE in error]
    return [error for error in errors if error not in warnings], warnings
