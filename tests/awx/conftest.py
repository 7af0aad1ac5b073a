# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The unit tests' real services for the AWX job tests: ``htpasswd_distribution`` (Debian's
Distribution on loopback, tests/unit/conftest.py) and ``harbor`` (the Harbor API double behind
Prism, tests/unit/plugins/modules/conftest.py), loaded from their files under names of their own."""

from __future__ import annotations

import importlib.util
import pathlib
import sys

UNIT = pathlib.Path(__file__).resolve().parent.parent / "unit"
sys.path[:0] = [str(UNIT), str(UNIT / "plugins" / "modules")]


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, str(path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_unit = _load("anchorage_unit_conftest", UNIT / "conftest.py")
_modules = _load("anchorage_unit_modules_conftest", UNIT / "plugins" / "modules" / "conftest.py")

distribution = _unit.distribution
htpasswd_distribution = _unit.htpasswd_distribution
harbor_stack = _modules.harbor_stack
harbor = _modules.harbor
