# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""Every HTTP request of the collection's modules: the standard library's ``urllib``, one TLS
context per endpoint, made at the first ``https`` connection.

Not ansible-core's ``urls``: a no-op module run is mostly fixed costs, and ``urls`` added two of
them. Importing it takes about 0.1 s (it imports ``cryptography`` and the ``email`` package), and
its ``Request`` makes a TLS context, loading the system's CA certificates (20-40 ms), for every
request, ``http://`` ones too. What the modules used of it is the standard library's: the
redirect policy, no netrc, the proxies from the environment (or none), and the TLS settings.
"""

from __future__ import annotations

import ssl
import urllib.request
from urllib.error import HTTPError

USER_AGENT = "anchorage.registry"
# Sent to the URL asked for only, never after a redirect (to object storage, another host).
UNREDIRECTED = ("authorization",)


class _Redirects(urllib.request.HTTPRedirectHandler):
    """``safe``: GET and HEAD follow, with their method; others get the redirect as an HTTPError,
    as ``none`` does for every method."""

    def __init__(self, follow):
        self.follow = follow

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        method = req.get_method()
        if self.follow == "none" or method not in ("GET", "HEAD"):
            raise HTTPError(req.full_url, code, msg, headers, fp)
        # urllib's own drops the method (a redirected HEAD becomes a GET).
        kept = dict((name, value) for name, value in req.header_items()
                    if name.lower() not in UNREDIRECTED + ("content-length", "content-type"))
        return urllib.request.Request(newurl, headers=kept, origin_req_host=req.origin_req_host,
                                      unverifiable=True, method=method)


class _LazyHTTPS(urllib.request.HTTPSHandler):
    """The TLS context is made at the first https connection, then kept."""

    def __init__(self, make_context):
        super().__init__()
        self._make_context = make_context

    def https_open(self, req):
        if self._context is None:
            self._context = self._make_context()
        return super().https_open(req)


class Opener(object):
    """``open(method, url, data, headers, timeout)`` for one endpoint's TLS and redirect settings.

    ``ca_path`` (a file) or ``ca_data`` (PEM text): trust only those CAs; neither: the system's.
    ``follow_redirects``: ``safe`` (GET and HEAD) or ``none``. ``use_proxy``: the environment's
    ``https_proxy``/``http_proxy``/``no_proxy``, or no proxy.
    """

    def __init__(self, validate_certs=True, ca_path=None, ca_data=None, follow_redirects="safe", use_proxy=True):
        self.validate_certs = validate_certs
        self.ca_path = ca_path
        self.ca_data = ca_data
        self.contexts_made = 0
        handlers = [_LazyHTTPS(self._make_context), _Redirects(follow_redirects)]
        if not use_proxy:
            handlers.append(urllib.request.ProxyHandler({}))
        self._opener = urllib.request.build_opener(*handlers)

    def _make_context(self):
        self.contexts_made += 1
        context = ssl.create_default_context(cafile=self.ca_path, cadata=self.ca_data)
        if not self.validate_certs:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context

    def open(self, method, url, data=None, headers=None, timeout=30):
        """The response; an HTTP error status raises ``HTTPError``, no answer ``URLError``."""
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("User-Agent", USER_AGENT)
        for name, value in (headers or {}).items():
            if name.lower() in UNREDIRECTED:
                request.add_unredirected_header(name.capitalize(), value)
            else:
                request.add_header(name, value)
        return self._opener.open(request, timeout=timeout)
