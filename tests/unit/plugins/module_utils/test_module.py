# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Secrets inside free-form options never reach the invocation record Ansible logs on the target."""

from __future__ import annotations

from module_args import patch_module_args

from ansible_collections.anchorage.registry.plugins.module_utils._module import SecretMaskingModule, no_log_strings

SECRET = "s3cr3t-in-a-dict"
SPEC = dict(storage=dict(type="dict"), name=dict(type="str"))


class Recording(SecretMaskingModule):
    """The real AnsibleModule, with what it would send to the journal kept in a list."""

    logged = None

    def log(self, msg, log_args=None):
        type(self).logged.append(msg)


def build(secrets, tmp_path, **params):
    Recording.logged = []
    with patch_module_args(dict(params, _ansible_remote_tmp=str(tmp_path))):
        return Recording(secrets, argument_spec=dict(SPEC), supports_check_mode=True)


def test_only_the_secret_values_are_masked_in_the_logged_invocation(tmp_path):
    module = build(lambda params: [params["storage"]["s3"]["secretkey"]], tmp_path,
                   storage={"s3": {"bucket": "images", "secretkey": SECRET}}, name="reg")
    assert len(Recording.logged) == 1 and Recording.logged[0].startswith("Invoked with")
    assert SECRET not in Recording.logged[0]
    assert "images" in Recording.logged[0] and "name=reg" in Recording.logged[0]
    assert SECRET in module.no_log_values


def test_options_the_caller_cannot_read_are_not_logged_at_all(tmp_path):
    def unreadable(params):
        raise TypeError("not a mapping")

    build(unreadable, tmp_path, storage={"s3": {"secretkey": SECRET}})
    assert Recording.logged == []


def test_secret_strings_keeps_only_values_worth_masking():
    assert no_log_strings(["a", "", None, [], {}, 5]) == {"a", "5"}


def test_a_multi_line_secret_is_masked_as_a_list_option_logs_it():
    key = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49\n-----END PRIVATE KEY-----\n"
    masked = no_log_strings([key])
    assert key in masked
    # str() of a list of dicts, as AnsibleModule logs a list option: the newlines escaped
    assert any(value in str([{"client_key": key}]) for value in masked - {key})
    assert "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49" in masked
