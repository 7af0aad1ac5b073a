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
    """The non-empty string forms of ``values`` (what ``no_log_values`` matches).

    A multi-line value (a PEM key) is also given as Ansible logs it inside a list or a dict
    (``str()`` of the container escapes its newlines) and line by line, so the invocation log of a
    list option holding it cannot match none of them.
    """
    found = set()
    for value in values:
        if value in (None, "", [], {}):
            continue
        text = str(value)
        found.add(text)
        if "\n" in text:
            found.add(repr(text)[1:-1])
            found.update(line.strip() for line in text.splitlines() if len(line.strip()) >= 8)
    return found


class SecretMaskingModule(AnsibleModule):
    """``secrets``: params -> the secret values in them; called once the options are validated."""

    def __init__(self, secrets, **kwargs):
        self._secrets = secrets
        super(SecretMaskingModule, self).__init__(**kwargs)

    def _mask_secrets(self):
        """Add the secrets to ``no_log_values``; False when the options cannot even be read."""
        try:
            self.no_log_values.update(no_log_strings(self._secrets(self.params)))
        except Exception:  # pylint: disable=broad-except
            return False
        return True

    def _log_invocation(self):
        if self._mask_secrets():
            super(SecretMaskingModule, self)._log_invocation()
        # else: log nothing rather than a secret

    def _return_formatted(self, kwargs):
        # A refusal by the argument spec returns before the invocation is logged: mask it here too.
        if not self._mask_secrets():
            kwargs.setdefault("invocation", {"module_args": "not shown: the options could not be read for secrets"})
        super(SecretMaskingModule, self)._return_formatted(kwargs)
