# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""CEL expressions checked as cel-go's ``Env.Compile`` checks them, as far as a parser can.

zot compiles its access-control conditions at load (``api.CompileAccessControl`` through
``pkg/cel.NewExpression``: ``cel.WithCompile()``, the variable ``req`` of type map(string, dyn),
the standard library plus ``ext.Strings``, ``ext.Sets``, ``ext.Encoders`` and optional types).
Compile fails on a syntax error and on a reference to a variable or function the environment
does not declare. We parse with cel-python (``celpy``, the CEL grammar) and then resolve every
identifier and function name against what zot declares. Type errors between literals
(``1 + "a"``) are not found (there is no checker for them here), and cel-python's grammar has no
optional-field syntax (``req.?x``): such an expression is reported as not checked.
"""

from __future__ import annotations

try:
    import celpy
    from lark import Tree
    HAS_CEL = True
except ImportError:
    HAS_CEL = False

CEL_MISSING = "not checked: the Python library cel-python is not installed"
# Macros that bind their first argument as a loop variable in the others.
_MACROS = ("all", "exists", "exists_one", "map", "filter")
# Global functions of the standard library (and the has macro) and of the extensions zot loads.
GLOBAL_FUNCTIONS = frozenset((
    "has", "size", "type", "int", "uint", "double", "string", "bytes", "bool", "duration",
    "timestamp", "dyn", "matches",
))
# Type names are identifiers too (``type(req.x) == string``).
TYPE_NAMES = frozenset(("int", "uint", "double", "string", "bytes", "bool", "list", "map", "null_type", "type"))
# Receiver-style functions: the standard library, ext.Strings, optional types.
MEMBER_FUNCTIONS = frozenset(_MACROS + (
    "contains", "startsWith", "endsWith", "matches", "size",
    "getFullYear", "getMonth", "getDayOfYear", "getDayOfMonth", "getDate", "getDayOfWeek",
    "getHours", "getMinutes", "getSeconds", "getMilliseconds",
    "charAt", "indexOf", "lastIndexOf", "lowerAscii", "upperAscii", "replace", "split",
    "substring", "trim", "join", "format", "reverse",
    "hasValue", "value", "orValue", "or", "optMap", "optFlatMap",
))
# Namespaced functions: ext.Sets, ext.Encoders, ext.Strings' quote, optional types.
NAMESPACED_FUNCTIONS = {
    "sets": ("contains", "equivalent", "intersects"),
    "base64": ("encode", "decode"),
    "strings": ("quote",),
    "optional": ("of", "ofNonZeroValue", "none"),
}


def _child_trees(tree):
    return [child for child in tree.children if isinstance(child, Tree)]


def _ident_of(tree):
    """The bare identifier an ``expr`` subtree consists of, or None."""
    while isinstance(tree, Tree) and tree.data != "ident":
        trees = _child_trees(tree)
        if len(trees) != 1 or len(tree.children) != 1:
            return None
        tree = trees[0]
    return str(tree.children[0]) if isinstance(tree, Tree) else None


def _problems(tree, bound, variables):
    kind = tree.data
    if kind == "ident":
        name = str(tree.children[0])
        if name not in bound and name not in variables and name not in TYPE_NAMES:
            return ["undeclared reference to %r" % name]
        return []
    if kind == "ident_arg":
        name = str(tree.children[0])
        found = [] if name in GLOBAL_FUNCTIONS else ["undeclared reference to function %r" % name]
        return found + [p for child in _child_trees(tree) for p in _problems(child, bound, variables)]
    if kind == "member_dot_arg":
        receiver, name = tree.children[0], str(tree.children[1])
        arguments = _child_trees(tree.children[2]) if len(tree.children) > 2 else []
        namespace = _ident_of(receiver)
        if namespace in NAMESPACED_FUNCTIONS and namespace not in bound and namespace not in variables:
            found = [] if name in NAMESPACED_FUNCTIONS[namespace] else [
                "undeclared reference to function '%s.%s'" % (namespace, name)]
            return found + [p for child in arguments for p in _problems(child, bound, variables)]
        found = [] if name in MEMBER_FUNCTIONS else ["undeclared reference to function %r" % name]
        found += _problems(receiver, bound, variables)
        if name in _MACROS and arguments:
            loop = _ident_of(arguments[0])
            if loop is None:
                return found + ["%s: the first argument must be a simple identifier" % name]
            inner = bound | {loop}
            return found + [p for child in arguments[1:] for p in _problems(child, inner, variables)]
        return found + [p for child in arguments for p in _problems(child, bound, variables)]
    return [p for child in _child_trees(tree) for p in _problems(child, bound, variables)]


def cel_errors(expression, where, variables):
    """Why cel-go's Compile would refuse ``expression`` with ``variables`` declared (``_checks`` contract)."""
    if not HAS_CEL:
        return ["%s: %s" % (where, CEL_MISSING)]
    if not isinstance(expression, str) or not expression.strip():
        return ["%s: an empty CEL expression does not compile" % where]
    try:
        tree = celpy.Environment().compile(expression)
    except celpy.CELParseError as exc:
        if ".?" in expression or "[?" in expression or "{?" in expression:
            return ["%s: %s" % (where, "not checked: cel-python does not parse the optional-field syntax (.? [?)")]
        reason = " ".join(str(exc).split())
        return ["%s: %r is not a CEL expression: %s" % (where, expression, reason)]
    problems = sorted(set(_problems(tree, frozenset(), frozenset(variables))))
    if problems:
        return ["%s: %r does not compile: %s (declared: %s)" % (
            where, expression, "; ".join(problems), ", ".join(sorted(variables)))]
    return []


def unchecked_expressions(errors):
    """``(errors, warnings)``: what could not be checked here is a warning, not an error."""
    unchecked = [error for error in errors if ": not checked: " in error]
    return [error for error in errors if error not in unchecked], unchecked
