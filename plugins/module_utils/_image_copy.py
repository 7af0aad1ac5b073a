# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""Image seeding (the ``images`` module): copy images into a registry over the OCI Distribution API.

Sources, written as skopeo writes them: ``docker-archive:PATH[:REF]`` (``docker save``),
``oci:PATH[:REF]`` (an OCI image layout directory) and ``docker://REF`` (another registry).
Manifests from an OCI layout or a registry are copied byte for byte, so digests and multi-arch
indexes stay what they are; a docker-archive holds no manifest, so one is generated, always the
same bytes for the same archive (canonical JSON), and a re-run finds it in the target.

What the target has is skipped: an image whose tag already points at the same digest costs one
``HEAD``; otherwise each child manifest and blob is checked with ``HEAD`` first, a blob this run
already put into another repository is mounted from there, and only the rest is uploaded,
streamed from the archive or the source registry (never held in memory).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tarfile
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode, urljoin

from ansible_collections.anchorage.registry.plugins.module_utils._harbor_api import HarborClient, HarborError
from ansible_collections.anchorage.registry.plugins.module_utils._harbor_project import create_body, project_errors
from ansible_collections.anchorage.registry.plugins.module_utils._oci import (
    Registry,
    VerifyError,
    canonical_json,
    repository_scope,
    sha256_digest,
)

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar"
DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip"
INDEXES = (OCI_INDEX, DOCKER_LIST)
ACCEPT = ", ".join((OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST))
REF_NAME = "org.opencontainers.image.ref.name"
DOCKER_HUB = "docker.io"
DOCKER_HUB_API = "registry-1.docker.io"
MAX_DEPTH = 4  # an index of indexes of manifests is already unusual
CHUNK = 1024 * 1024
PARALLEL = 4  # blobs in flight at once, as skopeo sends several

# The grammar of github.com/distribution/reference (its regexp.go), without IPv6 hosts.
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*"
_DOMAIN = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?"
_PATH = re.compile(r"^%s(?:/%s)*$" % (_COMPONENT, _COMPONENT))
_DOMAIN_RE = re.compile(r"^%s$" % _DOMAIN)
_TAG = re.compile(r"^[\w][\w.-]{0,127}$")
_DIGEST = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$")
MAX_NAME = 255

TRANSPORTS = ("docker://", "docker-archive:", "oci:")


class SourceError(Exception):
    """A source that cannot be read as given; the message says what is wrong with it."""


def parse_reference(text):
    """``{"domain", "repository", "tag", "digest"}`` of ``[domain/]path[:tag][@digest]``, or SourceError."""
    if not isinstance(text, str) or not text:
        raise SourceError("an empty reference")
    name, _sep, digest = text.partition("@")
    if digest and not _DIGEST.match(digest):
        raise SourceError("%r: %r is not a digest (algorithm:hex)" % (text, digest))
    tag = None
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        name, tag = name[:colon], name[colon + 1:]
        if not _TAG.match(tag):
            raise SourceError("%r: %r is not a tag (letters, digits, '_', '.', '-'; at most 128)" % (text, tag))
    domain = None
    first, sep, rest = name.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost" or first != first.lower()):
        if not _DOMAIN_RE.match(first):
            raise SourceError("%r: %r is not a registry host[:port]" % (text, first))
        domain, name = first, rest
    if not _PATH.match(name) or len(name) > MAX_NAME:
        raise SourceError("%r: %r is not a repository name (lower-case path components separated by '/')"
                          % (text, name))
    return {"domain": domain, "repository": name, "tag": tag, "digest": digest or None}


def parse_source(text):
    """``(transport, path or None, reference text or None)`` of a skopeo-style source."""
    if not isinstance(text, str):
        raise SourceError("give a source such as docker-archive:PATH, oci:PATH[:REF] or docker://REF")
    for transport in TRANSPORTS:
        if text.startswith(transport):
            rest = text[len(transport):]
            break
    else:
        raise SourceError("%r has no transport: write docker-archive:PATH[:REF], oci:PATH[:REF] or docker://REF"
                          % text)
    if transport == "docker://":
        return "docker", None, rest
    path, _sep, ref = rest.partition(":")
    if not path:
        raise SourceError("%r names no path" % text)
    return transport.rstrip(":"), path, ref or None


def destination_of(text, source):
    """``(repository, tag or None, digest or None)`` of the destination, or of the source's own
    name; a destination without a tag keeps the source's."""
    wanted = text or source.name
    if not wanted:
        raise SourceError("the source names no repository: give destination (repository[:tag])")
    ref = parse_reference(wanted)
    if text and ref["domain"]:
        raise SourceError("%r: give the repository in the target registry, without a host" % text)
    tag = ref["tag"]
    if not tag and not ref["digest"]:
        tag = source.tag
    return ref["repository"], tag, ref["digest"]


def is_index(media_type, document):
    return media_type in INDEXES or (media_type is None and "manifests" in document)


def media_type_of(document, fallback):
    return document.get("mediaType") or fallback or (OCI_INDEX if "manifests" in document else OCI_MANIFEST)


def load_manifest(data, where):
    try:
        document = json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise SourceError("%s is not JSON" % where)
    if not isinstance(document, dict):
        raise SourceError("%s is not a manifest" % where)
    return document


def blob_descriptors(document, where):
    """The config and the layers an image manifest names; foreign layers (with ``urls``) are not
    copied, as registries and skopeo leave them where they are."""
    try:
        wanted = [document["config"]] + list(document.get("layers") or [])
        return [desc for desc in wanted if not desc.get("urls") and desc["digest"] and desc["size"] >= 0]
    except (KeyError, TypeError, AttributeError):
        raise SourceError("%s is neither an image manifest nor an index" % where)


class DockerArchive(object):
    """A ``docker save`` (or skopeo ``docker-archive``) tarball; its manifest is generated."""

    def __init__(self, path, ref):
        if not os.path.isfile(path):
            raise SourceError("%s: no such archive" % path)
        self.path = path
        try:
            self.tar = tarfile.open(path, "r:")
            entries = json.loads(self.tar.extractfile("manifest.json").read().decode("utf-8"))
        except (tarfile.TarError, OSError, KeyError, AttributeError, ValueError, UnicodeDecodeError) as exc:
            raise SourceError("%s is not a docker-archive (no readable manifest.json: %s)" % (path, exc))
        if ref:
            chosen = [entry for entry in entries if ref in (entry.get("RepoTags") or [])]
            if not chosen:
                raise SourceError("%s holds no image tagged %s (it holds %s)" % (
                    path, ref, ", ".join(sorted(t for e in entries for t in e.get("RepoTags") or [])) or "untagged images"))
        elif len(entries) != 1:
            raise SourceError("%s holds %d images: add :REF to the source" % (path, len(entries)))
        else:
            chosen = entries
        entry = chosen[0]
        self.name = ref or (entry.get("RepoTags") or [None])[0]
        self.tag = parse_reference(self.name)["tag"] if self.name else None
        self.digest = None
        self.members = {}
        try:
            self.config = self.tar.extractfile(entry["Config"]).read()
            diff_ids = json.loads(self.config.decode("utf-8"))["rootfs"]["diff_ids"]
            layers = [self._layer(name, diff_id) for name, diff_id in zip(entry["Layers"], diff_ids)]
        except (KeyError, TypeError, AttributeError, ValueError, UnicodeDecodeError, tarfile.TarError) as exc:
            raise SourceError("%s: the image's config or layers cannot be read: %s" % (path, exc))
        self.manifest = canonical_json({
            "schemaVersion": 2,
            "mediaType": DOCKER_MANIFEST,
            "config": {"mediaType": DOCKER_CONFIG, "size": len(self.config), "digest": sha256_digest(self.config)},
            "layers": layers,
        })

    def _layer(self, name, diff_id):
        """A layer's descriptor. ``docker save`` writes layers uncompressed: their digest is the
        config's diff_id, so nothing is read until a layer is uploaded. A compressed one is hashed."""
        member = self.tar.getmember(name)
        with self.tar.extractfile(member) as stream:
            compressed = stream.read(2) == b"\x1f\x8b"
            digest = diff_id
            if compressed:
                stream.seek(0)
                digest = hash_stream(stream)
        self.members[digest] = member
        return {"mediaType": DOCKER_LAYER_GZIP if compressed else DOCKER_LAYER, "size": member.size, "digest": digest}

    def root(self):
        return DOCKER_MANIFEST, self.manifest

    def manifest_by_digest(self, digest, media_type):
        raise SourceError("a docker-archive holds one image manifest, not %s" % digest)

    def open_blob(self, descriptor):
        if descriptor["digest"] == sha256_digest(self.config):
            return _Bytes(self.config)
        # A file of its own for each blob: uploads run in parallel, a shared handle would seek under them.
        member = self.members[descriptor["digest"]]
        return _Slice(self.path, member.offset_data, member.size)

    def close(self):
        self.tar.close()


class OciLayout(object):
    """An OCI image layout directory (``index.json``, ``blobs/<alg>/<hex>``); bytes copied as they are."""

    def __init__(self, path, ref):
        self.path = path
        try:
            with open(os.path.join(path, "index.json"), "rb") as handle:
                index = load_manifest(handle.read(), "%s/index.json" % path)
        except (IOError, OSError):
            raise SourceError("%s: no OCI image layout there (no readable index.json)" % path)
        entries = [desc for desc in index.get("manifests") or [] if isinstance(desc, dict)]
        names = [(desc.get("annotations") or {}).get(REF_NAME) for desc in entries]
        if ref:
            chosen = [desc for desc, name in zip(entries, names) if name == ref]
            if not chosen:
                raise SourceError("%s holds no image named %s (it holds %s)" % (
                    path, ref, ", ".join(sorted(n for n in names if n)) or "unnamed images"))
        elif len(entries) != 1:
            raise SourceError("%s holds %d images: add :REF to the source" % (path, len(entries)))
        else:
            chosen = entries
        self.descriptor = chosen[0]
        self.name = None  # a ref name in a layout is a tag at most, never a repository
        ref_name = (self.descriptor.get("annotations") or {}).get(REF_NAME)
        self.tag = ref_name if ref_name and _TAG.match(ref_name) else None
        self.digest = None

    def _blob_path(self, digest):
        algorithm, _sep, encoded = (digest or "").partition(":")
        if not _DIGEST.match(digest or "") or "/" in encoded:
            raise SourceError("%s: %r is not a digest" % (self.path, digest))
        return os.path.join(self.path, "blobs", algorithm, encoded)

    def _read(self, digest):
        try:
            with open(self._blob_path(digest), "rb") as handle:
                data = handle.read()
        except (IOError, OSError):
            raise SourceError("%s: blob %s is missing" % (self.path, digest))
        return data

    def root(self):
        return self.manifest_by_digest(self.descriptor.get("digest"), self.descriptor.get("mediaType"))

    def manifest_by_digest(self, digest, media_type):
        data = self._read(digest)
        return media_type_of(load_manifest(data, digest), media_type), data

    def open_blob(self, descriptor):
        try:
            return open(self._blob_path(descriptor["digest"]), "rb")
        except (IOError, OSError):
            raise SourceError("%s: blob %s is missing" % (self.path, descriptor["digest"]))

    def close(self):
        pass


class RegistrySource(object):
    """An image in another registry, read over the Distribution API."""

    def __init__(self, text, item, timeout):
        ref = parse_reference(text)
        domain = ref["domain"] or DOCKER_HUB
        repository = ref["repository"]
        if domain == DOCKER_HUB:
            domain = DOCKER_HUB_API
            if "/" not in repository:
                repository = "library/" + repository
        self.repository = repository
        self.reference = ref["digest"] or ref["tag"] or "latest"
        self.name = repository
        self.tag = ref["tag"] or (None if ref["digest"] else "latest")
        self.digest = ref["digest"]
        scheme = "http" if item.get("source_plain_http") else "https"
        self.registry = Registry(
            "%s://%s" % (scheme, domain), username=item.get("source_username"), password=item.get("source_password"),
            validate_certs=item.get("source_validate_certs", True), timeout=timeout,
            scope=repository_scope(repository, ["pull"]),
        )

    def root(self):
        return self.manifest_by_digest(self.reference, None)

    def manifest_by_digest(self, reference, media_type):
        _s, headers, data = self.registry.request(
            "source manifest", "GET", "/v2/%s/manifests/%s" % (self.repository, reference), headers={"Accept": ACCEPT})
        header_type = (headers.get("Content-Type") or "").split(";")[0].strip() or None
        return media_type_of(load_manifest(data, "%s@%s" % (self.repository, reference)), header_type or media_type), data

    def open_blob(self, descriptor):
        _s, _h, response = self.registry.request(
            "source blob", "GET", "/v2/%s/blobs/%s" % (self.repository, descriptor["digest"]), stream=True)
        return response

    def close(self):
        pass


class _Slice(object):
    """``size`` bytes of a file from ``offset``: a member of an uncompressed tar, read in place."""

    def __init__(self, path, offset, size):
        self.handle = open(path, "rb")
        self.handle.seek(offset)
        self.left = size

    def read(self, size=-1):
        size = self.left if size is None or size < 0 else min(size, self.left)
        chunk = self.handle.read(size)
        self.left -= len(chunk)
        return chunk

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.handle.close()
        return False


class _Bytes(object):
    """Small in-memory blobs (a generated config) with the file interface uploads read from."""

    def __init__(self, data):
        self.data = data
        self.offset = 0

    def read(self, size=-1):
        end = len(self.data) if size is None or size < 0 else self.offset + size
        chunk, self.offset = self.data[self.offset:end], min(end, len(self.data))
        return chunk

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def chunks(stream):
    """The stream in CHUNK-sized pieces: http.client sends a file in 8 KiB writes, an iterable as it comes."""
    return iter(lambda: stream.read(CHUNK), b"")


def hash_stream(stream):
    digest = hashlib.sha256()
    for chunk in chunks(stream):
        digest.update(chunk)
    return "sha256:" + digest.hexdigest()


def open_source(item, timeout):
    """The source of one ``images`` item, opened and checked (archives and layouts are read here)."""
    transport, path, ref = parse_source(item.get("source"))
    if transport == "docker":
        return RegistrySource(ref, item, timeout)
    if transport == "docker-archive":
        return DockerArchive(path, ref)
    return OciLayout(path, ref)


class Copy(object):
    """One run into one target registry: what each image cost, and the blobs seen so far."""

    def __init__(self, target, check_mode):
        self.target = target
        self.check_mode = check_mode
        self.known = {}  # digest -> a repository of the target that has the blob

    def _has(self, kind, repository, reference):
        """Whether the target has the blob or manifest; its headers. Manifests are asked for with
        every type accepted: Distribution rewrites a manifest the client does not accept."""
        status, headers, _b = self.target.request(
            "check " + kind, "HEAD", "/v2/%s/%ss/%s" % (repository, kind, reference),
            headers={"Accept": ACCEPT} if kind == "manifest" else None, ok=(200, 404))
        return status == 200, headers

    def _blob(self, source, repository, descriptor, report, pending):
        """Count a blob the target has; queue one it lacks (``pending``: what to mount or upload)."""
        digest = descriptor["digest"]
        if self.known.get(digest) == repository:
            report["blobs_present"] += 1
            return
        present, _h = self._has("blob", repository, digest)
        if present:
            self.known[digest] = repository
            report["blobs_present"] += 1
            return
        pending.append((descriptor, self.known.get(digest)))
        self.known[digest] = repository  # in check mode too: what a real run would have put there

    def _send(self, source, repository, descriptor, other):
        """Mount the blob from ``other`` (a repository of the target that has it) or upload it;
        the result key it counts under."""
        digest = descriptor["digest"]
        query = "?" + urlencode({"mount": digest, "from": other}) if other else ""
        status, headers, _b = self.target.request(
            "mount blob" if other else "start upload", "POST", "/v2/%s/blobs/uploads/%s" % (repository, query),
            ok=(201, 202))
        if status == 201:
            return "blobs_mounted"
        location = headers.get("Location")
        if not location:
            raise VerifyError("start upload: 202 without a Location header")
        location = urljoin(self.target.url + "/", location)
        location += ("&" if "?" in location else "?") + urlencode({"digest": digest})
        with source.open_blob(descriptor) as stream:
            self.target.request("upload blob", "PUT", location, data=chunks(stream), ok=(201,), headers={
                "Content-Type": "application/octet-stream", "Content-Length": str(descriptor["size"])})
        return "blobs_uploaded"

    def _flush(self, source, repository, pending, report):
        """Mount or upload the queued blobs, PARALLEL at a time (the registry hashes and stores each
        upload on its own; one stream at a time leaves its cores idle)."""
        if self.check_mode:
            for descriptor, other in pending:
                report["blobs_mounted" if other else "blobs_uploaded"] += 1
                report["bytes_uploaded"] += 0 if other else descriptor["size"]
            return
        with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
            futures = [(descriptor, pool.submit(self._send, source, repository, descriptor, other))
                       for descriptor, other in pending]
            for descriptor, future in futures:
                key = future.result()
                report[key] += 1
                report["bytes_uploaded"] += descriptor["size"] if key == "blobs_uploaded" else 0

    def _collect(self, source, repository, media_type, data, report, pushes, pending, depth):
        """Blobs (into ``pending``) and manifests (into ``pushes``, children first) the target lacks."""
        digest = sha256_digest(data)
        document = load_manifest(data, digest)
        if is_index(media_type, document):
            if depth >= MAX_DEPTH:
                raise SourceError("%s: indexes nested deeper than %d" % (digest, MAX_DEPTH))
            for child in document.get("manifests") or []:
                child_digest = child.get("digest")
                present, _h = self._has("manifest", repository, child_digest)
                if present:
                    continue
                child_type, child_data = source.manifest_by_digest(child_digest, child.get("mediaType"))
                if sha256_digest(child_data) != child_digest:
                    raise SourceError("manifest %s: its content has digest %s" % (child_digest, sha256_digest(child_data)))
                self._collect(source, repository, child_type, child_data, report, pushes, pending, depth + 1)
        else:
            for descriptor in blob_descriptors(document, digest):
                self._blob(source, repository, descriptor, report, pending)
        pushes.append((digest, media_type, data))

    def image(self, source, repository, tag, digest_ref):
        """Copy one image; its report (``status``: present, copied or would copy)."""
        started = time.monotonic()
        media_type, data = source.root()
        digest = sha256_digest(data)
        if digest_ref and digest_ref != digest:
            raise SourceError("the source's manifest has digest %s, not %s" % (digest, digest_ref))
        reference = tag or digest
        report = {"digest": digest, "media_type": media_type, "manifests_pushed": 0, "blobs_uploaded": 0,
                  "blobs_mounted": 0, "blobs_present": 0, "bytes_uploaded": 0}
        present, headers = self._has("manifest", repository, reference)
        if present and headers.get("Docker-Content-Digest") == digest:
            report.update(status="present", seconds=round(time.monotonic() - started, 3))
            return report
        pushes, pending = [], []
        self._collect(source, repository, media_type, data, report, pushes, pending, 0)
        self._flush(source, repository, pending, report)
        if not self.check_mode:
            for index, (manifest_digest, manifest_type, body) in enumerate(pushes):
                last = index == len(pushes) - 1
                _s, answer, _b = self.target.request(
                    "push manifest", "PUT", "/v2/%s/manifests/%s" % (repository, reference if last else manifest_digest),
                    data=body, headers={"Content-Type": manifest_type}, ok=(201,))
                stored = answer.get("Docker-Content-Digest")
                if stored and stored != manifest_digest:
                    raise VerifyError("push manifest: the registry stored %s for %s" % (stored, manifest_digest))
        report.update(manifests_pushed=len(pushes), status="would copy" if self.check_mode else "copied",
                      seconds=round(time.monotonic() - started, 3))
        return report


SUMMED = ("manifests_pushed", "blobs_uploaded", "blobs_mounted", "blobs_present", "bytes_uploaded")


def summary(reports, seconds):
    total = dict((key, sum(report.get(key, 0) for report in reports)) for key in SUMMED)
    total.update(images=len(reports), present=len([r for r in reports if r["status"] == "present"]),
                 copied=len([r for r in reports if r["status"] != "present"]), seconds=round(seconds, 3))
    return total


def plan_items(items, timeout):
    """Every item checked and its source opened before anything is sent: ``(plans, errors)``."""
    plans, errors = [], []
    for position, item in enumerate(items):
        where = "images[%d]" % position
        try:
            source = open_source(item, timeout)
        except SourceError as exc:
            errors.append("%s.source: %s" % (where, exc))
            continue
        try:
            repository, tag, digest = destination_of(item.get("destination"), source)
        except SourceError as exc:
            source.close()
            errors.append("%s.destination: %s" % (where, exc))
            continue
        digest = digest or source.digest
        plans.append({"where": where, "item": item, "source": source, "repository": repository,
                      "tag": tag or (None if digest else "latest"), "digest": digest})
    return plans, errors


def harbor_projects(params, repositories, check_mode):
    """Create the Harbor projects (first path component) the destinations need; the names created."""
    names = sorted(set(repository.split("/")[0] for repository in repositories if "/" in repository))
    errors = [message for name in names for message in project_errors({"name": name})]
    singles = sorted(set(repository for repository in repositories if "/" not in repository))
    if singles:
        errors.append("images: %s: Harbor needs project/repository destinations" % ", ".join(singles))
    if errors:
        raise SourceError("; ".join(errors))
    client = HarborClient(params["harbor_api_url"] or params["url"], params["username"] or "", params["password"] or "",
                          params["validate_certs"], params["ca_path"], params["timeout"])
    created = []
    for name in names:
        if client.project(name) is None:
            if not check_mode:
                client.create("/projects", create_body({"name": name, "public": False}, None))
            created.append(name)
    return created


def run_images(module):
    """The images module's work: check every item, create Harbor projects, copy, one result."""
    params = module.params
    started = time.monotonic()
    plans, errors = plan_items(params["images"], params["timeout"])
    if errors:
        for plan in plans:
            plan["source"].close()
        module.fail_json(msg="; ".join(errors), errors=errors)
    result = {"changed": False, "images": [], "harbor_projects_created": []}
    target = Registry(params["url"], username=params["username"], password=params["password"],
                      validate_certs=params["validate_certs"], ca_path=params["ca_path"], timeout=params["timeout"])
    copy = Copy(target, module.check_mode)
    current = None
    try:
        if params["harbor_projects"]:
            result["harbor_projects_created"] = harbor_projects(params, [p["repository"] for p in plans], module.check_mode)
        for plan in plans:
            current = plan
            # Token servers scope a token to one repository: ask for this one's.
            target.scope = repository_scope(plan["repository"], ["pull", "push"])
            report = copy.image(plan["source"], plan["repository"], plan["tag"], plan["digest"])
            reference = (":" + plan["tag"]) if plan["tag"] else "@" + report["digest"]
            report.update(source=plan["item"]["source"], destination=plan["repository"] + reference)
            result["images"].append(report)
            current = None
    except (VerifyError, SourceError, HarborError) as exc:
        prefix = "%s (%s): " % (current["where"], current["item"]["source"]) if current else ""
        result.update(summary=summary(result["images"], time.monotonic() - started), requests=len(target.steps))
        module.fail_json(msg=prefix + str(exc), **result)
    finally:
        for plan in plans:
            plan["source"].close()
    result["summary"] = summary(result["images"], time.monotonic() - started)
    result["changed"] = bool(result["harbor_projects_created"]) or any(r["status"] != "present" for r in result["images"])
    result["requests"] = len(target.steps)
    return result
