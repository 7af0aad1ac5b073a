# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""Harbor's v2.0 REST API: the shared connection options, one client, and one run for every object.

The client is the standard library's (``_http.Opener``), so targets need no HTTP library. Every object
module (``harbor_project``, ``harbor_registry``...) is an :class:`ApiObject`: it checks its
options, finds its object by name with a constant number of requests however many objects
Harbor holds, and says how to create, change and delete it. :func:`run` does the rest the same
way for all of them: check mode, the masked ``--diff`` and one result. The doc fragment of the
options is ``anchorage.registry.harbor_api``; the action group is ``group/anchorage.registry.harbor``.
"""

from __future__ import annotations

import base64
import json
from urllib.error import HTTPError, URLError
from urllib.parse import quote, urlencode

from ansible_collections.anchorage.registry.plugins.module_utils._checks import number_errors, url_errors
from ansible_collections.anchorage.registry.plugins.module_utils._http import Opener

API_PATH = "/api/v2.0"
# What Harbor itself answers in place of a stored secret (registry credentials).
MASK = "*****"

HARBOR_API_SPEC = dict(
    api_url=dict(type="str", required=True),
    api_username=dict(type="str", required=True),
    api_password=dict(type="str", required=True, no_log=True),
    validate_certs=dict(type="bool", default=True),
    ca_path=dict(type="path"),
    timeout=dict(type="int", default=30),
)

STATE_SPEC = dict(state=dict(type="str", choices=["present", "absent"], default="present"))


class HarborError(Exception):
    """A failed request; the message names the method, the path, the status and Harbor's errors."""

    def __init__(self, message, status=None):
        super(HarborError, self).__init__(message)
        self.status = status


def connection_errors(params):
    """The connection options that cannot work, each message starting with the option's name."""
    errors = url_errors(params.get("api_url"), "api_url")
    errors += number_errors(params.get("timeout"), "timeout", 1, 3600, "seconds")
    if not params.get("api_username"):
        errors.append("api_username: give Harbor's admin user or a robot account (robot$name)")
    return errors


def registry_name_errors(value, where):
    """A registry endpoint's name as :meth:`HarborClient.registry` can look it up."""
    if not isinstance(value, str) or not value.strip():
        return ["%s: give the registry endpoint's name" % where]
    if "," in value:
        # Harbor splits its q filter at commas, before any unescaping: no way to ask for one.
        return ["%s: %r has a comma, which Harbor's API cannot look a name up by" % (where, value)]
    return []


def error_text(body):
    """Harbor's ``{"errors": [{"code", "message"}]}`` as ``CODE message; ...``, else the body's start."""
    try:
        errors = json.loads(body.decode("utf-8")).get("errors") or []
    except (ValueError, AttributeError, UnicodeDecodeError):
        errors = []
    parts = ["%s %s" % (e.get("code") or "", e.get("message") or "") for e in errors if isinstance(e, dict)]
    if parts:
        return "; ".join(part.strip() for part in parts)
    return body[:300].decode("utf-8", "replace").strip() or "(no error body)"


def location_id(location):
    """The numeric id at the end of a ``Location`` header (``/api/v2.0/projects/12`` -> 12), or None."""
    tail = (location or "").rstrip("/").rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else None


def exact_query(key, value):
    """Harbor's ``q`` for an exact match of ``key``.

    Harbor URL-decodes ``q`` once more after the query string itself (src/lib/q), then splits it
    at commas, and reads a value starting with ``~ [ { (`` as a pattern unless a backslash
    precedes it. So the value is percent-encoded once here (and again by the query string).
    """
    if value[:1] in ("~", "[", "{", "(", "\\"):
        value = "\\" + value
    return "%s=%s" % (key, quote(value, safe=""))


class HarborClient(object):
    """One Harbor, with Basic credentials; every request is recorded in ``calls``."""

    def __init__(self, url, username, password, validate_certs=True, ca_path=None, timeout=30):
        self.base = url.rstrip("/") + API_PATH
        credentials = ("%s:%s" % (username, password)).encode("utf-8")
        # Sent with the first request: Harbor answers 401 without a challenge to retry on.
        self.authorization = "Basic " + base64.b64encode(credentials).decode("ascii")
        self.opener = Opener(validate_certs, ca_path, follow_redirects="none")
        self.timeout = timeout
        self.calls = []

    @classmethod
    def from_params(cls, params):
        return cls(params["api_url"], params["api_username"], params["api_password"],
                   params.get("validate_certs", True), params.get("ca_path"), params.get("timeout") or 30)

    def request(self, method, path, body=None, query=None, headers=None, ok=(200,)):
        """``(status, headers, decoded JSON or None)``; HarborError unless the status is in ``ok``."""
        target = path + ("?" + urlencode(query) if query else "")
        sent = {"Authorization": self.authorization, "Accept": "application/json"}
        sent.update(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            sent["Content-Type"] = "application/json"
        where = "%s %s%s" % (method, API_PATH, path)
        try:
            try:
                response = self.opener.open(method, self.base + target, data=data, headers=sent, timeout=self.timeout)
                status, answer_headers, raw = response.status, response.headers, response.read()
            except HTTPError as exc:
                status, answer_headers, raw = exc.code, exc.headers, exc.read() if exc.fp else b""
        except URLError as exc:
            raise HarborError("%s: cannot reach %s: %s" % (where, self.base, getattr(exc, "reason", exc)))
        except (OSError, ValueError) as exc:
            raise HarborError("%s: %s" % (where, exc))
        self.calls.append({"method": method, "path": API_PATH + path, "status": status})
        if status not in ok:
            request_id = answer_headers.get("X-Request-Id") if answer_headers else None
            raise HarborError("%s: %d %s%s" % (where, status, error_text(raw),
                                               " (X-Request-Id: %s)" % request_id if request_id else ""), status)
        try:
            return status, answer_headers, json.loads(raw.decode("utf-8")) if raw.strip() else None
        except (ValueError, UnicodeDecodeError):
            raise HarborError("%s: %d but the answer is not JSON: %s" % (where, status, error_text(raw)), status)

    def create(self, path, body):
        """POST ``body``; the new object's id from the ``Location`` Harbor answers with."""
        _status, headers, _data = self.request("POST", path, body=body, ok=(201,))
        return location_id(headers.get("Location"))

    # --- lookups by name: one request each, however many objects Harbor holds -----------------

    def project(self, name):
        """The project named ``name``, or None."""
        status, _h, data = self.request("GET", "/projects/%s" % quote(name, safe=""),
                                        headers={"X-Is-Resource-Name": "true"}, ok=(200, 404))
        return data if status == 200 else None

    def registry(self, name):
        """The registry endpoint named ``name``, or None."""
        _s, _h, data = self.request("GET", "/registries", query={"q": exact_query("name", name)})
        found = [item for item in data or [] if isinstance(item, dict) and item.get("name") == name]
        return found[0] if found else None

    def project_quota(self, project_id):
        """The quota of a project, or None when Harbor keeps none (per-project quotas off)."""
        _s, _h, data = self.request("GET", "/quotas", query={"reference": "project", "reference_id": str(project_id)})
        return (data or [None])[0]


def owning_project(client, params):
    """The project named by the ``project`` option, which the object belongs to.

    None when it is missing and ``state=absent`` (nothing to remove); otherwise missing is an error.
    """
    project = client.project(params["project"])
    if project is None and params.get("state") != "absent":
        raise HarborError("project: Harbor has no project named %r (create it first, with "
                          "anchorage.registry.harbor_project)" % params["project"])
    return project


class ApiObject(object):
    """What one kind of Harbor object says about itself; :func:`run` does the rest.

    ``kind``: the result key (``project``, ``registry``); ``fields(params)``: the managed fields
    the options set (compared, shown in the diff); ``errors(params)``: messages ``"<option>: ..."``;
    ``read(client, params)``: ``(live, context)``, ``live`` None when the object does not exist;
    ``view(live, context)`` and ``wanted(params, context, before)``: comparable dicts of the
    fields, secrets masked; ``refusals(before, after)``: messages ``"<option>: ..."`` for changes
    Harbor cannot make; ``create``/``update``/``delete``: the requests (``update`` gets the names
    of the fields that differ); ``identity(live)``: the object's id, reported as ``<kind>_id``
    unless ``has_id`` is False (a singleton such as the system configuration); ``report()``: more
    result keys, from what the requests answered (a robot's new secret).
    """

    kind = "object"
    has_id = True

    def report(self):
        return {}

    def errors(self, params):
        return []

    def refusals(self, before, after):
        return []


def only(view, keys):
    return dict((key, view[key]) for key in keys if key in view)


def plan(obj, params, live, context):
    """``(changes, before, after)`` for ``params`` against ``live``, without a request.

    ``changes`` is ``["created"]``, ``["deleted"]``, the names of the fields that differ, or empty.
    """
    if params.get("state") == "absent":
        # What goes: every field the lookup saw, not only those the options name.
        return (["deleted"], obj.view(live, context), {}) if live is not None else ([], {}, {})
    keys = obj.fields(params)
    if live is None:
        return ["created"], {}, only(obj.wanted(params, context, None), keys)
    full = obj.view(live, context)
    after = only(obj.wanted(params, context, full), keys)
    before = only(full, keys)
    return sorted(key for key in after if before.get(key) != after[key]), before, after


def run(module, obj):
    """Check, read, compare, change only the difference (never in check mode), exit once."""
    params = module.params
    errors = connection_errors(params) + obj.errors(params)
    if errors:
        module.fail_json(msg="; ".join(errors), errors=errors)
    client = HarborClient.from_params(params)
    result = {"changed": False, "requests": client.calls}
    try:
        live, context = obj.read(client, params)
        changes, before, after = plan(obj, params, live, context)
        result.update(changes=changes, diff={"before": before, "after": after})
        refused = obj.refusals(before, after) if live is not None and after else []
        if refused:
            module.fail_json(msg="; ".join(refused), errors=refused, **result)
        identity = obj.identity(live) if live is not None else None
        if changes and not module.check_mode:
            if changes == ["deleted"]:
                obj.delete(client, live)
                identity = None
            elif changes == ["created"]:
                identity = obj.create(client, params, context)
            else:
                obj.update(client, params, live, context, changes)
    except HarborError as exc:
        module.fail_json(msg=str(exc), **result)
    result.update({"changed": bool(changes), obj.kind: after})
    if obj.has_id:
        result["%s_id" % obj.kind] = identity
    result.update(obj.report())
    module.exit_json(**result)
