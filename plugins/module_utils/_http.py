# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""HTTP requests through ansible-core's ``urls``, with one TLS context per endpoint.

``open_url`` builds a new TLS context for every request, and with it loads the system's CA
certificates: about 20 ms each time on a small host, for ``http://`` URLs too. A module that sends
hundreds of requests to one registry spent a large part of its time there. ``Opener`` builds the
context once, at its first request, with the same settings ``open_url`` would use.
"""

from __future__ import annotations

from ansible.module_utils.urls import Request, make_context


class Opener(object):
    """``open(method, url, **kwargs)`` as ``open_url`` opens, for one endpoint's TLS settings."""

    def __init__(self, validate_certs=True, ca_path=None):
        self.validate_certs = validate_certs
        self.ca_path = ca_path
        self._context = None

    def open(self, method, url, **kwargs):
        """The response (``HTTPError`` and ``URLError`` raised as ``open_url`` raises them)."""
        if self._context is None:
            self._context = make_context(cafile=self.ca_path, validate_certs=self.validate_certs)
        return Request().open(method, url, context=self._context, **kwargs)
