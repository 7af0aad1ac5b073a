# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""How a role checks its input, in the role's own words.

A role hands most of its variables to modules, whose checks (run in check mode on the
controller before any host is touched) name the module's keys: ``health.storagedriver.interval``.
``by_variable`` says which role variable each refused key came from. What no module receives
(timeouts and ports the role itself uses) ``range_errors`` checks, with the same contract as
``_checks``: one message per problem, starting with the variable's name.
"""

from __future__ import annotations

import re

from ansible_collections.anchorage.registry.plugins.module_utils._checks import number_errors


def _number(value):
    """Ints as Jinja hands them over: an int, or a string of digits (a templated value)."""
    if isinstance(value, str) and re.match(r"^-?[0-9]+$", value.strip()):
        return int(value)
    return value


def range_errors(numbers):
    """``numbers``: ``[{name, value, low, high, unit?}]`` -> a message per number out of its range."""
    errors = []
    for number in numbers:
        errors.extend(number_errors(_number(number["value"]), number["name"], number["low"], number["high"],
                                    number.get("unit", "")))
    return errors


def by_variable(errors, owners):
    """Each module error prefixed with the role variable it came from.

    ``owners`` lists ``[pattern, variable]`` pairs, most specific first; the first pattern that
    matches the start of an error (a module key path) names its variable.
    """
    named = []
    for error in errors:
        owner = next((variable for pattern, variable in owners if re.match(pattern, error)), None)
        named.append("%s: %s" % (owner, error) if owner else error)
    return named
