# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``patch_module_args(args)``: the arguments an ``AnsibleModule`` created inside the block reads.

ansible-core 2.19 ships it (``ansible.module_utils.testing``); on 2.17 and 2.18, which the
collection supports too (lab/version-matrix.sh), the same through ``basic._ANSIBLE_ARGS``,
where those versions read a module's arguments from.
"""

from __future__ import annotations

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19
    import contextlib
    import json

    from ansible.module_utils import basic

    @contextlib.contextmanager
    def patch_module_args(args=None):
        before = basic._ANSIBLE_ARGS
        basic._ANSIBLE_ARGS = json.dumps({"ANSIBLE_MODULE_ARGS": args or {}}).encode("utf-8")
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = before

__all__ = ["patch_module_args"]
