# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The pure parts of image seeding: references, sources, destinations, the summary."""

from __future__ import annotations

import pytest

from ansible_collections.anchorage.registry.plugins.module_utils._image_copy import (
    SourceError,
    destination_of,
    parse_reference,
    parse_source,
    summary,
)

DIGEST = "sha256:" + "ab" * 32


@pytest.mark.parametrize("text, expected", [
    ("alpine", (None, "alpine", None, None)),
    ("library/alpine:3.20", (None, "library/alpine", "3.20", None)),
    ("localhost/app", ("localhost", "app", None, None)),
    ("registry.example:5000/team/app:1.0", ("registry.example:5000", "team/app", "1.0", None)),
    ("10.0.0.5:5000/a__b/c-d.e@" + DIGEST, ("10.0.0.5:5000", "a__b/c-d.e", None, DIGEST)),
    ("Registry/app:v1", ("Registry", "app", "v1", None)),  # an upper-case first part is a host
])
def test_references_parse_as_distribution_reads_them(text, expected):
    ref = parse_reference(text)
    assert (ref["domain"], ref["repository"], ref["tag"], ref["digest"]) == expected


@pytest.mark.parametrize("text, message", [
    ("", "an empty reference"),
    ("team/App", "'team/App' is not a repository name"),
    ("team//app", "'team//app' is not a repository name"),
    ("app:-1", "'-1' is not a tag"),
    ("app@sha256:12", "'sha256:12' is not a digest"),
    ("bad_host:x:5000/app", "'bad_host:x:5000' is not a registry host[:port]"),
    ("a" * 256, "is not a repository name"),
])
def test_bad_references_say_why(text, message):
    with pytest.raises(SourceError) as caught:
        parse_reference(text)
    assert message in str(caught.value)


def test_sources_are_written_as_skopeo_writes_them():
    assert parse_source("docker://registry.example/app:1") == ("docker", None, "registry.example/app:1")
    assert parse_source("docker-archive:/srv/a.tar") == ("docker-archive", "/srv/a.tar", None)
    assert parse_source("docker-archive:/srv/a.tar:team/app:1.0") == ("docker-archive", "/srv/a.tar", "team/app:1.0")
    assert parse_source("oci:/srv/layout:1.0") == ("oci", "/srv/layout", "1.0")
    for bad, message in [("alpine:3.20", "has no transport"), ("oci::1.0", "names no path"), (None, "give a source")]:
        with pytest.raises(SourceError) as caught:
            parse_source(bad)
        assert message in str(caught.value)


class _Source(object):
    def __init__(self, name, tag):
        self.name, self.tag = name, tag


def test_destinations_default_to_the_source_and_keep_its_tag():
    assert destination_of(None, _Source("team/app", "1.0")) == ("team/app", "1.0", None)
    assert destination_of("mirror/app", _Source("team/app", "1.0")) == ("mirror/app", "1.0", None)
    assert destination_of("mirror/app:stable", _Source("team/app", "1.0")) == ("mirror/app", "stable", None)
    assert destination_of("mirror/app@" + DIGEST, _Source(None, "1.0")) == ("mirror/app", None, DIGEST)
    assert destination_of("mirror/app", _Source(None, None)) == ("mirror/app", None, None)
    with pytest.raises(SourceError, match="names no repository"):
        destination_of(None, _Source(None, "1.0"))
    with pytest.raises(SourceError, match="without a host"):
        destination_of("registry.example/app", _Source(None, None))


def test_summary_sums_every_image():
    reports = [
        {"status": "copied", "manifests_pushed": 3, "blobs_uploaded": 5, "blobs_mounted": 0, "blobs_present": 1,
         "bytes_uploaded": 1000},
        {"status": "present", "manifests_pushed": 0, "blobs_uploaded": 0, "blobs_mounted": 0, "blobs_present": 0,
         "bytes_uploaded": 0},
    ]
    assert summary(reports, 1.23456) == {"images": 2, "copied": 1, "present": 1, "manifests_pushed": 3,
                                         "blobs_uploaded": 5, "blobs_mounted": 0, "blobs_present": 1,
                                         "bytes_uploaded": 1000, "seconds": 1.235}
