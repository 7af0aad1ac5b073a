# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A stand-in for zot without ``http.compat: [docker2s2]``, in front of a real Distribution.

No registry that refuses Docker schema 2 manifests can run here (zot cannot be built: the Go
module proxy refuses its module; Distribution takes both formats). This proxy forwards every
request to a running Distribution unchanged, except a manifest ``PUT`` whose Content-Type zot
does not support: that gets zot's own answer (``UpdateManifest`` in pkg/api/routes.go at
6d19b445: ``IsSupportedMediaType`` false, so 415 with ``MANIFEST_INVALID`` and the media type as
detail; the message is ``"manifest invalid"`` from pkg/api/errors/errors.go).
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# zot's IsSupportedMediaType (pkg/storage/common/common.go) without compat: OCI manifest and index only.
OCI_TYPES = ("application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.index.v1+json")
HOP_BY_HOP = ("connection", "transfer-encoding", "keep-alive")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class OciOnlyProxy(object):
    """``with OciOnlyProxy(upstream_url) as proxy:`` -> ``proxy.url``; ``proxy.refused`` counts the refusals."""

    def __init__(self, upstream):
        self.upstream = upstream.rstrip("/")
        self.refused = 0
        opener = urllib.request.build_opener(_NoRedirect)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                media_type = (self.headers.get("Content-Type") or "").split(";")[0].strip()
                if self.command == "PUT" and "/manifests/" in self.path and media_type not in OCI_TYPES:
                    proxy.refused += 1
                    error = {"code": "MANIFEST_INVALID", "message": "manifest invalid", "detail": {"mediaType": media_type}}
                    return self._reply(415, {"Content-Type": "application/json"}, json.dumps({"errors": [error]}).encode())
                # Host stays the proxy's, so the upload Locations Distribution builds point back here.
                headers = dict((key, value) for key, value in self.headers.items() if key.lower() not in HOP_BY_HOP)
                request = urllib.request.Request(proxy.upstream + self.path, data=body, headers=headers,
                                                 method=self.command)
                try:
                    response = opener.open(request, timeout=30)
                except urllib.error.HTTPError as exc:
                    response = exc
                with response:
                    data = response.read()
                    return self._reply(response.status, response.headers, data)

            def _reply(self, status, headers, data):
                self.send_response(status)
                for key, value in headers.items():
                    if key.lower() not in HOP_BY_HOP + ("content-length",):
                        self.send_header(key, value)
                # A HEAD answer has no body but the length of the one GET would send.
                length = headers.get("Content-Length") if self.command == "HEAD" else None
                self.send_header("Content-Length", length or str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _forward

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)
