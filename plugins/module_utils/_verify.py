# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""The end-to-end verification of a whole deployment (anchorage.registry.verify).

``cleanup`` and ``anonymous_status`` finish what ``_oci.verify`` leaves: Distribution keeps a
repository in its catalog while any link of it is stored, so the blobs go too, and on filesystem
storage the empty directories Distribution never removes. ``plan`` works out, from the inventory,
which image each node pulls through which registry and runtime; ``summary`` is the table printed
at the end.
"""

from __future__ import annotations

import os
import shutil
from urllib.error import HTTPError, URLError
from urllib.parse import urlparse

from ansible_collections.anchorage.registry.plugins.module_utils._distribution import (
    STORAGE_DRIVERS,
    storage_with_defaults,
)
from ansible_collections.anchorage.registry.plugins.module_utils._http import Opener
from ansible_collections.anchorage.registry.plugins.module_utils._oci import (
    Registry,
    VerifyError,
    build_image,
    run_verify,
)

REPOSITORIES_DIR = os.path.join("docker", "registry", "v2", "repositories")
COLUMNS = ("registry", "endpoint", "auth", "storage", "mirrors", "nodes configured", "result")


def delete_blobs(registry, repository):
    """Unlink the test image's blobs (the same in both manifest formats) from ``repository``:
    ``"deleted"`` or ``"unsupported"``."""
    for digest, _blob in build_image()["blobs"]:
        status, _h, _b = registry.request("cleanup blob", "DELETE", "/v2/%s/blobs/%s" % (repository, digest),
                                          ok=(202, 404, 405))
        if status == 405:
            return "unsupported"
    return "deleted"


def remove_empty_repository(root, repository):
    """Remove ``repository``'s directory under a filesystem storage ``root`` when no file is left
    in it (Distribution leaves the empty directories, and its catalog still lists them).

    Returns ``"removed"``, ``"absent"`` or ``"kept"`` (files are still linked there).
    """
    top = os.path.join(root, REPOSITORIES_DIR)
    path = os.path.normpath(os.path.join(top, repository))
    if not path.startswith(top + os.sep):
        raise ValueError("repository: %s leaves the storage's repositories directory" % repository)
    if not os.path.isdir(path):
        return "absent"
    if any(files for _dir, _subdirs, files in os.walk(path)):
        return "kept"
    shutil.rmtree(path)
    # Parents the repository name made (anchorage/ for anchorage/verify), when nothing else is in them.
    parent = os.path.dirname(path)
    while parent != top and not os.listdir(parent):
        os.rmdir(parent)
        parent = os.path.dirname(parent)
    return "removed"


def anonymous_status(params, opener):
    """The status of ``GET /v2/`` sent through ``opener`` without credentials, before any challenge
    is answered (401 where authentication is required, whether Basic or Bearer token)."""
    url = params["url"].rstrip("/") + "/v2/"
    try:
        response = opener.open("GET", url, timeout=params["timeout"])
    except HTTPError as exc:
        return exc.code
    except (URLError, OSError, ValueError) as exc:
        raise VerifyError("anonymous ping: cannot reach %s: %s" % (url, getattr(exc, "reason", exc)))
    return response.status


def run(module):
    """The registry_verify module: ``_oci.run_verify``, the anonymous check, then the cleanup of
    the blobs (and of the empty directories, given ``filesystem_root``), all through one opener."""
    params = module.params
    opener = Opener(params["validate_certs"], params["ca_path"])
    try:
        anonymous = anonymous_status(params, opener)
    except VerifyError as exc:
        module.fail_json(msg=str(exc))
    if params["require_auth"] and anonymous != 401:
        module.fail_json(msg="anonymous ping: %d without credentials; the registry should refuse them (401)" % anonymous,
                         anonymous_status=anonymous)
    result = dict(run_verify(module, opener), anonymous_status=anonymous, repository_directory="skipped")
    if result["cleanup"] != "deleted":
        return result
    registry = Registry(params["url"], username=params["username"], password=params["password"],
                        timeout=params["timeout"], opener=opener)
    try:
        result["cleanup"] = delete_blobs(registry, params["repository"])
        if params["filesystem_root"]:
            result["repository_directory"] = remove_empty_repository(params["filesystem_root"], params["repository"])
    except (VerifyError, ValueError, OSError) as exc:
        module.fail_json(msg=str(exc), steps=result["steps"] + registry.steps)
    result["steps"] += registry.steps
    return result


def registry_row(name, addresses, settings):
    """What the verification knows of one registry host, from its role variables.

    ``settings``: ``port``, ``tls`` (a certificate is set), ``users`` (htpasswd users), ``storage``
    and ``proxy`` (as given to the role), ``repository`` (its verification repository), ``data_dir``
    and ``verify_url`` (may be empty). The check runs on the host itself: at ``verify_url``, else
    on loopback (TLS unverified there: the nodes' pulls check the certificate).
    """
    storage = storage_with_defaults(settings.get("storage") or {}, bool(settings.get("proxy")))
    driver = next(driver for driver in STORAGE_DRIVERS if driver in storage)
    filesystem_root = None
    if driver == "filesystem":
        # The role mounts data_dir at /var/lib/registry; rootdirectory is that or below it.
        inside = (storage["filesystem"] or {}).get("rootdirectory", "/var/lib/registry")
        filesystem_root = settings["data_dir"].rstrip("/") + inside[len("/var/lib/registry"):]
    bucket = (storage[driver] or {}).get("bucket") or (storage[driver] or {}).get("container")
    users = settings.get("users") or []
    scheme = "https" if settings.get("tls") else "http"
    port = int(settings.get("port") or 5000)
    return {
        "name": name,
        "endpoints": ["%s:%d" % (address, port) for address in addresses if address],
        "url": settings.get("verify_url") or "%s://127.0.0.1:%d" % (scheme, port),
        "validate_certs": bool(settings.get("verify_url")),
        "auth": "htpasswd (%d user%s)" % (len(users), "" if len(users) == 1 else "s") if users else "none",
        "storage": driver + (" (%s)" % bucket if bucket else ""),
        "filesystem_root": filesystem_root,
        "cleanup": bool((storage.get("delete") or {}).get("enabled")),
        "proxy": (settings.get("proxy") or {}).get("remoteurl") or "",
        "repository": settings.get("repository") or "anchorage/verify",
    }


def vip_row(vip, nodes):
    """The row of a keepalived VIP in front of registry ``nodes`` (their rows, sharing storage)."""
    first = nodes[0]
    port = first["endpoints"][0].rsplit(":", 1)[1]
    scheme = first["url"].split("://")[0]
    return dict(first, name="VIP of " + ", ".join(node["name"] for node in nodes),
                endpoints=["%s:%s" % (vip, port)], url="%s://%s:%s" % (scheme, vip, port),
                validate_certs=False, repository="anchorage/verify-ha",
                # Shared storage: the first node removes the directory it sees (a shared mount).
                filesystem_root=first["filesystem_root"])


def rows(hosts, vips=()):
    """Every row to check: ``hosts`` (``{name, addresses, settings}``, see ``registry_row``), then
    each of ``vips`` (``{address, nodes}``: the VIP and the names of the hosts behind it)."""
    by_name = dict((host["name"], registry_row(host["name"], host["addresses"], host["settings"])) for host in hosts)
    return list(by_name.values()) + [vip_row(vip["address"], [by_name[name] for name in vip["nodes"]]) for vip in vips]


def _host_port(url):
    parsed = urlparse(url if "://" in url else "//" + url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80 if parsed.scheme == "http" else None)
    return "%s:%s" % (parsed.hostname, port) if port else parsed.hostname


def _mirror_names(entry):
    """``(names a node pulls through this entry, reasons for the mirrors left out)``."""
    names, left_out = [], []
    for mirror in entry.get("mirrors") or []:
        if isinstance(mirror, dict):
            if mirror.get("path") or mirror.get("rewrite"):
                left_out.append("%s: a path or rewrite mirror is not pulled" % mirror.get("upstream"))
                continue
            mirror = mirror.get("upstream")
        if mirror == "*":
            left_out.append("*: the catch-all mirror is not pulled")
            continue
        names.append(mirror)
    return names, left_out


def _runtime(runtimes):
    for runtime in ("docker", "containerd"):
        if runtime in runtimes:
            return runtime
    return None


def plan(registries, nodes):
    """Which registry each node entry points at, and what each node pulls.

    ``registries``: rows to check, each ``{name, endpoints, auth, storage, proxy, repository}``
    (``endpoints``: the ``host:port`` names nodes may use; ``proxy``: a cache's remote URL).
    ``nodes``: ``{name, registries (node_trust_registries), runtimes, docker_config}``
    (``docker_config``: false when node_trust writes no Docker login, ``node_trust_docker_config_json: ""``).

    Returns ``{"rows": {name: {"mirrors": [...], "nodes": [...]}}, "caches": {name: the upstream's
    repository, or None when the upstream is not deployed here}, "pulls": {node: [...]}, "notes":
    {node: [...]}, "digest": the test image's digest}``; each pull is ``{registry, image, runtime, how}``.
    """
    by_endpoint = {}
    for row in registries:
        for endpoint in row["endpoints"]:
            by_endpoint.setdefault(endpoint, row)
    caches = {}
    for row in registries:
        if row["proxy"]:
            upstream = by_endpoint.get(_host_port(row["proxy"]))
            caches[row["name"]] = upstream["repository"] if upstream and not upstream["proxy"] else None
    rows = dict((row["name"], {"mirrors": [], "nodes": []}) for row in registries)
    pulls, notes = {}, {}
    for node in nodes:
        runtime = _runtime(node.get("runtimes") or [])
        node_pulls, node_notes = pulls.setdefault(node["name"], []), notes.setdefault(node["name"], [])
        for entry in node.get("registries") or []:
            row = by_endpoint.get(entry["host"])
            if row is None:
                node_notes.append("%s: not a registry of this inventory" % entry["host"])
                continue
            mirrors, left_out = _mirror_names(entry)
            rows[row["name"]]["nodes"].append(node["name"])
            for name in mirrors:
                if name not in rows[row["name"]]["mirrors"]:
                    rows[row["name"]]["mirrors"].append(name)
            node_notes.extend("%s: %s" % (entry["host"], reason) for reason in left_out)
            repository = caches[row["name"]] if row["proxy"] else row["repository"]
            if repository is None:
                node_notes.append("%s: cache of %s, an upstream this inventory does not deploy: nothing "
                                  "known to pull" % (entry["host"], row["proxy"]))
                continue
            if runtime is None:
                node_notes.append("%s: no Docker or containerd to pull with (k3s and RKE2 are not pulled "
                                  "here)" % entry["host"])
                continue
            # node_trust logs Docker in to a registry with a username, in the config.json the pull
            # reads (docker_config); the daemon sends no credentials to a mirror.
            docker_login = runtime == "docker" and entry.get("username")
            if docker_login and not node.get("docker_config", True):
                node_notes.append("%s: Docker is not logged in to it (node_trust_docker_config_json is empty)" % entry["host"])
                continue
            ways = [("direct", entry["host"])] + [("mirror of " + name, name) for name in mirrors
                                                  if runtime == "containerd" or (name == "docker.io" and not docker_login)]
            node_notes.extend("%s: Docker mirrors docker.io only, not %s" % (entry["host"], name)
                              for name in mirrors if runtime == "docker" and name != "docker.io")
            if docker_login and "docker.io" in mirrors:
                node_notes.append("%s: Docker sends no credentials to a mirror: docker.io is not pulled through it" % entry["host"])
            for how, prefix in ways:
                node_pulls.append({"registry": row["name"], "image": "%s/%s:latest" % (prefix, repository),
                                   "runtime": runtime, "how": how})
    return {"rows": rows, "caches": caches, "pulls": pulls, "notes": notes, "digest": build_image()["digest"]}


def _failed(result):
    """A registered module result that failed: ``failed_when: false`` keeps the run going and its ``msg``."""
    return isinstance(result, dict) and not result.get("skipped") and "msg" in result


def failures(rows, hosts):
    """Every failed check, ``{registry, message}``, from the results each host registered
    (``hosts``: their variables, with ``inventory_hostname``, ``__verify_push``, ``__verify_vip``,
    ``__verify_cache``, ``__verify_cache_ping``, ``__verify_cleanup`` and ``__verify_pulls``)."""
    vip = next((row["name"] for row in rows if row["name"].startswith("VIP of ")), None)
    by_url = dict((row["url"], row["name"]) for row in rows)
    digest = build_image()["digest"]
    found = []
    for host in hosts:
        name = host["inventory_hostname"]
        for key, label in (("__verify_push", "push and pull"), ("__verify_cache", "pull through the cache")):
            if _failed(host.get(key)):
                found.append({"registry": name, "message": "%s: %s" % (label, host[key]["msg"])})
        ping = host.get("__verify_cache_ping") or {}
        if not ping.get("skipped") and ping and ping.get("status") not in (200, 401):
            found.append({"registry": name, "message": "ping: %s" % ping.get("msg", "")})
        if _failed(host.get("__verify_vip")):
            found.append({"registry": vip, "message": "through the VIP: %s" % host["__verify_vip"]["msg"]})
        for result in (host.get("__verify_cleanup") or {}).get("results") or []:
            if _failed(result):
                found.append({"registry": by_url.get(result["item"]["url"], name), "message": "cleanup: %s" % result["msg"]})
        for result in (host.get("__verify_pulls") or {}).get("results") or []:
            if "rc" not in result or (result["rc"] == 0 and digest in result.get("stdout", "")):
                continue
            pull = result["item"]
            reason = (result.get("stderr") or "").strip() or "the digest is not %s" % digest
            found.append({"registry": pull["registry"], "message": "%s: %s pull %s (%s): %s" % (
                name, pull["runtime"], pull["image"], pull["how"], reason)})
    return found


def summary(registries, nodes, hosts):
    """``{"table": lines, "failures": [{registry, message}]}``: one line per registry, with the
    failures found for it in the results the ``hosts`` registered (see ``failures``)."""
    planned = plan(registries, nodes)["rows"]
    found = failures(registries, hosts)
    lines = []
    for row in registries:
        messages = [failure["message"] for failure in found if failure["registry"] == row["name"]]
        mirrors = planned[row["name"]]["mirrors"]
        if row["proxy"]:
            mirrors = ["cache of %s" % row["proxy"]] + ["for " + name for name in mirrors]
        lines.append((row["name"], row["endpoints"][0], row["auth"], row["storage"], ", ".join(mirrors) or "-",
                      ", ".join(planned[row["name"]]["nodes"]) or "-",
                      "FAILED: " + "; ".join(messages) if messages else "ok"))
    widths = [max(len(str(line[index])) for line in [COLUMNS] + lines) for index in range(len(COLUMNS))]

    def render(line):
        return " | ".join(str(cell).ljust(width) for cell, width in zip(line, widths)).rstrip()

    # The rule stops at the result column's header: a failure's message may be long.
    rule = "-+-".join("-" * width for width in widths[:-1] + [len(COLUMNS[-1])])
    table = [render(COLUMNS), rule] + [render(line) for line in lines]
    return {"table": table, "failures": found}
