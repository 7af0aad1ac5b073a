# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.anchorage.registry.plugins.module_utils._role_input import by_variable, range_errors


def test_numbers_out_of_range_are_named_and_templated_digits_count_as_numbers():
    numbers = [
        {"name": "registry_port", "value": "5000", "low": 1, "high": 65535},
        {"name": "registry_trial_port", "value": 70000, "low": 1, "high": 65535},
        {"name": "registry_start_timeout", "value": "-5", "low": 1, "high": 3600, "unit": "seconds"},
        {"name": "registry_trial_timeout", "value": "soon", "low": 1, "high": 600},
    ]
    assert range_errors(numbers) == [
        "registry_trial_port: 70000 is outside 1-65535",
        "registry_start_timeout: -5 is outside 1-3600 seconds",
        "registry_trial_timeout: 'soon' is not a whole number",
    ]


def test_module_errors_name_the_role_variable_they_came_from():
    owners = [[r"^http\.tls\b", "registry_tls_certificate"], [r"^http\b", "registry_http_extra"],
              [r"^health\b", "registry_health"]]
    errors = ["health.storagedriver.interval: '-10s' must not be negative",
              "http.tls: certificate and key must be given together",
              "http.prefix: 'x' must start and end with a slash",
              "version: unknown"]
    assert by_variable(errors, owners) == [
        "registry_health: health.storagedriver.interval: '-10s' must not be negative",
        "registry_tls_certificate: http.tls: certificate and key must be given together",
        "registry_http_extra: http.prefix: 'x' must start and end with a slash",
        "version: unknown",
    ]
