# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE: this module_utils is internal to anchorage.registry and may change at any time.

"""The offline bundle: what it holds (manifest.json), its package archives, and installing from them.

Layout of a bundle directory::

    manifest.json           versions and sha256 of everything below (written last)
    packages/<arch>.tar     Debian packages with all their dependencies, and an apt ``Packages``
                            index, for one architecture (amd64, arm64)
    images/<name>.tar       image archives (docker-archive, or oci-archive for k3s and containerd)
    files/<file name>       other artifacts the roles use (Harbor's offline installer)

``bundle_manifest`` (on the connected machine) writes the package archives and the manifest;
``bundle_install`` (on each host) checks an archive's sha256 against the manifest, then lets
apt install the missing packages from it alone: its own sources list, lists and cache
directories, the host's real package database, and no other source, so nothing is fetched.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from urllib.parse import unquote, urlsplit

from ansible_collections.anchorage.registry.plugins.module_utils._files import apply_text

MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1
PACKAGES_INDEX = "Packages"
CHUNK = 1024 * 1024


class BundleError(Exception):
    """Something in or about the bundle that is wrong; the message names the file or package."""


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def deb_fields(filename):
    """``(package, version, architecture)`` from a ``name_version_arch.deb`` file name (apt's
    naming, the epoch's colon written ``%3a``)."""
    base = os.path.basename(filename)
    if not base.endswith(".deb") or base.count("_") != 2:
        raise BundleError("%s: not a name_version_architecture.deb file name" % base)
    package, version, architecture = base[:-4].split("_")
    return package, unquote(version), architecture


def packages_stanza(control, filename, size, sha256):
    """One stanza of an apt ``Packages`` index: the package's control fields and where the file is."""
    return "%s\nFilename: ./%s\nSize: %d\nSHA256: %s\n" % (control.rstrip("\n"), filename, size, sha256)


def _tar_info(name, size):
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode, info.uid, info.gid = size, 0, 0o644, 0, 0
    return info


def write_packages_archive(debs, control_of, path, check_mode=False):
    """A tar of ``debs`` (paths, sorted by name) and their ``Packages`` index, the same bytes for
    the same packages (no times, owners or order from the file system). ``control_of(deb)`` ->
    the package's control text (``dpkg-deb -f``). Built in a temp file that replaces ``path``
    only when its bytes differ (never in check mode). Returns ``{"debs", "sha256", "size", "changed"}``."""
    entries = []
    stanzas = []
    for deb in sorted(debs, key=os.path.basename):
        name = os.path.basename(deb)
        package, version, architecture = deb_fields(name)
        size, digest = os.path.getsize(deb), sha256_file(deb)
        entries.append({"package": package, "version": version, "architecture": architecture,
                        "file": name, "sha256": digest, "size": size, "path": deb})
        stanzas.append(packages_stanza(control_of(deb), name, size, digest))
    index = "\n".join(stanzas).encode("utf-8")
    # Beside the archive, to be renamed over it; in check mode in the temp dir, the bundle untouched.
    directory = None if check_mode else os.path.dirname(path) or "."
    if directory and not os.path.isdir(directory):
        os.makedirs(directory)
    handle, temp = tempfile.mkstemp(prefix=".packages-", dir=directory)
    os.close(handle)
    try:
        with tarfile.open(temp, "w", format=tarfile.USTAR_FORMAT) as tar:
            tar.addfile(_tar_info(PACKAGES_INDEX, len(index)), io.BytesIO(index))
            for entry in entries:
                with open(entry.pop("path"), "rb") as source:
                    tar.addfile(_tar_info(entry["file"], entry["size"]), source)
        digest = sha256_file(temp)
        result = {"debs": entries, "sha256": digest, "size": os.path.getsize(temp),
                  "changed": not os.path.isfile(path) or sha256_file(path) != digest}
        if result["changed"] and not check_mode:
            os.chmod(temp, 0o644)
            os.rename(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return result


def _artifacts(root, items, section, check_mode):
    """Manifest entries of ``items`` (each with ``name`` and ``file``, the path inside ``root``),
    sorted by name, with the sha256 and size read from the files (null in check mode for a file
    not there yet)."""
    entries = []
    for item in sorted(items, key=lambda entry: entry["name"]):
        path = os.path.join(root, item["file"])
        if os.path.isfile(path):
            entries.append(dict(item, sha256=sha256_file(path), size=os.path.getsize(path)))
        elif check_mode:
            entries.append(dict(item, sha256=None, size=None))
        else:
            raise BundleError("%s: %s (%s) is missing" % (section, item["file"], item["name"]))
    return entries


def build_manifest(root, packages, images, files=(), check_mode=False):
    """The manifest of the bundle at ``root``. ``packages``: {arch: {"requested": [...], and what
    :func:`write_packages_archive` returned}}; ``images``: [{"name", "file", "format", "reference",
    "source"}]; ``files``: [{"name", "file", "source"}]; their checksums read from the files."""
    manifest = {"format": MANIFEST_FORMAT, "packages": {}, "images": _artifacts(root, images, "images", check_mode),
                "files": _artifacts(root, files, "files", check_mode)}
    for arch in sorted(packages):
        archive = packages[arch]
        manifest["packages"][arch] = {
            "file": "packages/%s.tar" % arch, "sha256": archive["sha256"], "size": archive["size"],
            "requested": sorted(archive["requested"]), "debs": archive["debs"],
        }
    return manifest


def bundle_file(source):
    """Where a file copied or downloaded from ``source`` (a path or a URL) lies in the bundle."""
    return "files/" + os.path.basename(urlsplit(source).path)


def render_manifest(manifest):
    return json.dumps(manifest, indent=2, sort_keys=True) + "\n"


def missing_packages(dpkg_output, wanted):
    """The ``wanted`` packages that ``dpkg-query -W -f='${Package} ${db:Status-Status}\\n'`` does not say are installed."""
    installed = set()
    for line in dpkg_output.splitlines():
        fields = line.split()
        if len(fields) == 2 and fields[1] == "installed":
            installed.add(fields[0].split(":")[0])
    return [name for name in wanted if name not in installed]


def apt_options(root):
    """apt options that read packages from ``root/repo`` only: own sources list, lists and cache;
    the host's package database stays the real one."""
    return [
        "-o", "Dir::Etc::SourceList=%s" % os.path.join(root, "sources.list"),
        "-o", "Dir::Etc::SourceParts=%s" % os.path.join(root, "sources.list.d"),
        "-o", "Dir::State::Lists=%s" % os.path.join(root, "lists"),
        "-o", "Dir::Cache=%s" % os.path.join(root, "cache"),
        "-o", "APT::Get::List-Cleanup=false",
        "-o", "Acquire::Languages=none",
    ]


def unpack_repository(archive, root):
    """The archive's packages as a flat apt repository in ``root/repo``, with the apt directories
    :func:`apt_options` names. Only plain files with plain names are taken out."""
    repo = os.path.join(root, "repo")
    for directory in (repo, os.path.join(root, "sources.list.d"), os.path.join(root, "lists", "partial"),
                      os.path.join(root, "cache", "archives", "partial")):
        os.makedirs(directory)
    with tarfile.open(archive, "r:") as tar:
        for member in tar.getmembers():
            if not member.isfile() or "/" in member.name or member.name in ("", ".", ".."):
                raise BundleError("%s: %r is not a package file" % (archive, member.name))
            with tar.extractfile(member) as source, open(os.path.join(repo, member.name), "wb") as target:
                shutil.copyfileobj(source, target, CHUNK)
    with open(os.path.join(root, "sources.list"), "w") as handle:
        # trusted: the archive's sha256 was checked against the manifest; it has no Release signature.
        handle.write("deb [trusted=yes] file:%s ./\n" % repo)


def run_install(module):
    """The bundle_install module: check the archive, install what is missing from it alone."""
    params = module.params
    names = params["names"]
    rc, out, err = module.run_command(["dpkg-query", "-W", "-f=${Package} ${db:Status-Status}\\n"] + names)
    missing = missing_packages(out, names)
    result = {"changed": bool(missing), "installed": [], "missing": missing}
    if not missing:
        return result
    archive = params["archive"]
    if not os.path.isfile(archive):
        if module.check_mode:
            # The role copies the archive only in a real run.
            return dict(result, msg="would install %s from %s" % (", ".join(missing), params["label"] or archive))
        module.fail_json(msg="archive: %s is missing" % archive, **result)
    actual = sha256_file(archive)
    if actual != params["sha256"].lower():
        module.fail_json(msg="%s: sha256 is %s, the bundle's manifest says %s: nothing installed" % (
            params["label"] or archive, actual, params["sha256"]), **result)
    if module.check_mode:
        return result
    root = tempfile.mkdtemp(prefix="anchorage-bundle-")
    try:
        os.chmod(root, 0o755)  # apt reads the repository as its own _apt user
        unpack_repository(archive, root)
        options = apt_options(root)
        env = {"DEBIAN_FRONTEND": "noninteractive"}
        for step in (["apt-get", "-q"] + options + ["update"],
                     ["apt-get", "-q", "-y", "--no-install-recommends"] + options + ["install"] + missing):
            rc, out, err = module.run_command(step, environ_update=env)
            if rc != 0:
                module.fail_json(msg="%s failed (rc %d): %s" % (" ".join(step[:2] + step[-1:]), rc, (err or out)[-1500:]),
                                 **result)
    except BundleError as exc:
        module.fail_json(msg=str(exc), **result)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    result["installed"] = missing
    return result


def run_manifest(module):
    """The bundle_manifest module: package archives per architecture, then the manifest."""
    params = module.params
    root = params["path"]

    def control_of(deb):
        rc, out, err = module.run_command(["dpkg-deb", "--field", deb])
        if rc != 0:
            raise BundleError("%s: dpkg-deb cannot read it: %s" % (deb, err.strip()))
        return out

    packages, rebuilt = {}, []
    try:
        for arch, directory in sorted(params["directories"].items()):
            debs = [os.path.join(directory, name) for name in sorted(os.listdir(directory))
                    if name.endswith(".deb")] if os.path.isdir(directory) else []
            if not debs:
                raise BundleError("directories.%s: %s holds no .deb files" % (arch, directory))
            archive = write_packages_archive(debs, control_of, os.path.join(root, "packages", "%s.tar" % arch),
                                             module.check_mode)
            if archive.pop("changed"):
                rebuilt.append(arch)
            packages[arch] = dict(archive, requested=params["packages"])
        images = [dict(image, file=image["file"] or "images/%s.tar" % image["name"]) for image in params["images"]]
        files = [dict(item, file=item["file"] or bundle_file(item["source"])) for item in params["files"]]
        manifest = build_manifest(root, packages, images, files, module.check_mode)
    except BundleError as exc:
        module.fail_json(msg=str(exc))
    result = apply_text(module, os.path.join(root, MANIFEST), render_manifest(manifest))
    result.update(changed=result["changed"] or bool(rebuilt), packages_rebuilt=rebuilt, manifest=manifest)
    return result
