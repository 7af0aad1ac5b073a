# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""An AnsibleModule that masks the secret values inside its options before they are logged.

Ansible logs every module's arguments to the target's journal (or syslog) inside
``AnsibleModule.__init__``. ``no_log`` on an option hides all of it, so a free-form option
(``storage``, ``configs``, ``manifests``) would either leak the keys in it or hide everything.
Here the caller names the secret values (``secrets(params)``), and only those are masked: in
that log, in the result's ``invocation``, in diffs, warnings and errors.
"""

from __future__ import annotations

from ansible.module_utils.basic import AnsibleModule


def no_log_strings(values):
    """The non-empty string forms of ``values`` (what ``no_log_values`` matches)."""
    return set(str(value) for value in values if value not in (None, "", [], {}))


class SecretMaskingModule(AnsibleModule):
    """``secrets``: params -> the secret values in them; called once the options are validated."""

    def __init__(self, secrets, **kwargs):
        self._secrets = secrets
        super(SecretMaskingModule, self).__init__(**kwargs)

    def _log_invocation(self):
        try:
            secrets = self._secrets(self.params)
        except Exception:  # options the caller cannot even read: log nothing rather than a secret
            return
        self.no_log_values.update(no_log_strings(secrets))
        super(SecretMaskingModule, self)._log_invocation()
