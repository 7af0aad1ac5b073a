# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment(object):
    """The options and guarantees every config-writing module shares (module_utils/_config_file)."""

    DOCUMENTATION = r"""
options: {}
notes:
  - Every config-writing module of this collection runs the same cycle - check the options, read the
    file once, merge what the module owns into what others wrote, render, test the candidate with the
    service's own checker where one exists, write it atomically - and returns RV(ignore:restart_required)
    and RV(ignore:reload_required), so a role restarts or reloads the service once, only when needed.
  - Secret values in the options (passwords, keys, tokens) are masked before Ansible logs the module's
    invocation on the target, and in the result, the diff, warnings and errors.
"""

    # Modules that write one file (not a set of managed directories).
    FILE = r"""
options:
  backup:
    description: Keep a timestamped copy of the previous file when it changes.
    type: bool
    default: false
"""

    # Modules whose service has a checker of its own (keepalived --config-test, dockerd --validate).
    VALIDATE = r"""
options:
  validate:
    description:
      - Test the new file with the service's own checker before it replaces the live one; a file the
        checker refuses is never written. RV(ignore:config_test) says what happened.
    type: bool
    default: true
"""
