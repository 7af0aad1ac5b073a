# -*- coding: utf-8 -*-
# Copyright: (c) 2026, anchorage.registry contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The OCI client against the real Distribution binary on loopback.

Bearer auth runs against Distribution's own ``auth.token`` verifier, fed by a small token server
written here (an RS256 JWT with an x5c chain, as the Distribution token specification describes).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import os
import subprocess
import tarfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from certificates import self_signed
from oci_only import OciOnlyProxy

from ansible_collections.anchorage.registry.plugins.module_utils import _oci
from ansible_collections.anchorage.registry.plugins.module_utils._oci import (
    LAYER_FILE,
    LAYER_TEXT,
    Registry,
    VerifyError,
    build_image,
    error_text,
    gzip_stored,
    parse_challenge,
    pull,
    push,
    verify,
)

# The generated image must never change: a re-push has to be a no-op on every host and Python.
MANIFEST_DIGEST = "sha256:8c5839abcc0fe892b1d996ea7f965c44212c2f753a750f586ab5afc6f79dfd60"
DOCKER_DIGEST = "sha256:34e3f5ac663d5f44a11f53cf58c3159065a7ef8de09c6471cd829aebe2b73d48"
DOCKER_TYPES = ("application/vnd.docker.distribution.manifest.v2+json", "application/vnd.docker.container.image.v1+json",
                "application/vnd.docker.image.rootfs.diff.tar.gzip")
CONFIG_DIGEST = "sha256:9564de477876be33863fe90a9e5d975b8d5d64657dc39af1c9550be4e84aacf2"
LAYER_DIGEST = "sha256:150fec0bc77a5f892b5510990eea7d48f8260d337a1cf2288a072ab3f6dac47d"
REPO = "anchorage/verify"


# --- the generated image ----------------------------------------------------------------------

def test_image_digests_are_pinned():
    image = build_image()
    assert image["digest"] == MANIFEST_DIGEST
    assert [digest for digest, _blob in image["blobs"]] == [CONFIG_DIGEST, LAYER_DIGEST]
    manifest = json.loads(image["manifest"])
    assert manifest["mediaType"] == "application/vnd.oci.image.manifest.v1+json"
    assert manifest["layers"][0]["size"] == len(image["blobs"][1][1])


def test_the_docker_image_has_docker_schema_2_types_and_the_same_blobs():
    image = build_image("docker")
    assert image["digest"] == DOCKER_DIGEST and image["media_type"] == DOCKER_TYPES[0]
    manifest = json.loads(image["manifest"])
    assert (manifest["mediaType"], manifest["config"]["mediaType"], manifest["layers"][0]["mediaType"]) == DOCKER_TYPES
    assert manifest["schemaVersion"] == 2 and image["blobs"] == build_image()["blobs"]


def test_layer_is_a_valid_gzipped_tar_with_fixed_metadata():
    layer = build_image()["blobs"][1][1]
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(layer))) as archive:
        (member,) = archive.getmembers()
        assert (member.name, member.mtime, member.uid, member.mode) == (LAYER_FILE, 0, 0, 0o644)
        assert archive.extractfile(member).read() == LAYER_TEXT
    config = json.loads(build_image()["blobs"][0][1])
    assert config["rootfs"]["diff_ids"] == ["sha256:" + hashlib.sha256(gzip.decompress(layer)).hexdigest()]


@pytest.mark.parametrize("size", [0, 1, 0xFFFF, 0xFFFF + 1, 200000])
def test_gzip_stored_round_trips(size):
    data = os.urandom(size)
    assert gzip.decompress(gzip_stored(data)) == data


# --- parsing ------------------------------------------------------------------------------------

@pytest.mark.parametrize("header, expected", [
    ('Basic realm="Registry Realm"', ("basic", {"realm": "Registry Realm"})),
    ('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:a/b:pull,push"',
     ("bearer", {"realm": "https://auth.docker.io/token", "service": "registry.docker.io",
                 "scope": "repository:a/b:pull,push"})),
    ('Bearer realm="https://h/service/token", service="harbor-registry", error="insufficient_scope"',
     ("bearer", {"realm": "https://h/service/token", "service": "harbor-registry", "error": "insufficient_scope"})),
    ('Bearer realm=https://z/auth,service=zot', ("bearer", {"realm": "https://z/auth", "service": "zot"})),
    ('Basic realm="a \\"quoted\\" realm"', ("basic", {"realm": 'a "quoted" realm'})),
    ("", (None, {})),
    (None, (None, {})),
])
def test_parse_challenge(header, expected):
    assert parse_challenge(header) == expected


def test_error_text():
    body = b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":null}]}'
    assert error_text(body) == error_text(body, detail=True) == "UNAUTHORIZED authentication required"
    body = b'{"errors":[{"code":"MANIFEST_INVALID","message":"manifest invalid","detail":{"mediaType":"a/b"}}]}'
    assert error_text(body, detail=True) == 'MANIFEST_INVALID manifest invalid {"mediaType": "a/b"}'
    assert error_text(b"<html>proxy error</html>") == "<html>proxy error</html>"
    assert error_text(b"") == ""


# --- helpers for the live tests ---------------------------------------------------------------

@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    # RSA: the token server signs RS256 with it.
    return self_signed(tmp_path_factory.mktemp("pki"), "anchorage-test",
                       rsa.generate_private_key(public_exponent=65537, key_size=2048))


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class TokenServer(object):
    """Issues Distribution-style bearer tokens (RS256 JWT, x5c) on 127.0.0.1; records requests."""

    ISSUER = "anchorage-test-issuer"
    SERVICE = "anchorage-test-registry"

    def __init__(self, key, cert, users):
        self.key, self.cert, self.users = key, cert, users  # users: name -> (password, granted actions)
        self.scopes = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                query = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
                server.scopes.append(query.get("scope", [""])[0])
                user = server.authenticate(self.headers.get("Authorization"))
                if user is None:
                    self.reply(401, {"errors": [{"code": "UNAUTHORIZED", "message": "bad credentials"}]})
                elif query.get("service") != [server.SERVICE]:
                    self.reply(400, {"errors": [{"code": "DENIED", "message": "unknown service"}]})
                else:
                    self.reply(200, {"token": server.token(user, query.get("scope", [""])[0]), "expires_in": 300})

            def reply(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.realm = "http://127.0.0.1:%d/token" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def authenticate(self, header):
        if not header or not header.startswith("Basic "):
            return None
        name, _sep, password = base64.b64decode(header[6:]).decode().partition(":")
        return name if name in self.users and self.users[name][0] == password else None

    def token(self, user, scope):
        access = []
        if scope.startswith("repository:"):
            _kind, name, actions = scope.split(":")
            granted = [a for a in actions.split(",") if a in self.users[user][1]]
            access.append({"type": "repository", "name": name, "actions": granted})
        now = int(time.time())
        header = {"typ": "JWT", "alg": "RS256",
                  "x5c": [base64.b64encode(self.cert.public_bytes(serialization.Encoding.DER)).decode()]}
        claims = {"iss": self.ISSUER, "sub": user, "aud": self.SERVICE, "exp": now + 300, "nbf": now - 10,
                  "iat": now - 10, "jti": os.urandom(8).hex(), "access": access}
        signing_input = (b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())).encode()
        signature = self.key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
        return signing_input.decode() + "." + b64url(signature)

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)


@pytest.fixture
def token_server(pki):
    key, cert, _cert_path, _key_path = pki
    server = TokenServer(key, cert, {"admin": ("admin-pw", ("pull", "push", "delete")), "reader": ("reader-pw", ("pull",))})
    yield server
    server.stop()


def client(registry, **kwargs):
    kwargs.setdefault("timeout", 10)
    kwargs.setdefault("scope", "repository:%s:pull,push" % REPO)
    return Registry(registry.url, **kwargs)


def skopeo_digest(registry, reference, *args):
    done = subprocess.run(
        ["skopeo", "inspect", "--tls-verify=false", "--raw"] + list(args) + ["docker://%s/%s" % (registry.address, reference)],
        capture_output=True, timeout=60, check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    return "sha256:" + hashlib.sha256(done.stdout).hexdigest()


# --- live: Distribution on loopback -----------------------------------------------------------

def test_push_pull_without_auth_then_repush_is_a_no_op(distribution):
    registry = distribution()
    first = verify(client(registry), REPO, "latest")
    assert first["api_version"] == "registry/2.0"
    assert first["pushed_digest"] == first["pulled_digest"] == MANIFEST_DIGEST
    assert first["match"] is True and first["mismatches"] == [] and first["changed"] is False
    assert [(s["step"], s["method"], s["status"]) for s in first["steps"]] == [
        ("ping", "GET", 200),
        ("check blob", "HEAD", 404), ("start upload", "POST", 202), ("upload blob", "PUT", 201),
        ("check blob", "HEAD", 404), ("start upload", "POST", 202), ("upload blob", "PUT", 201),
        ("push manifest", "PUT", 201),
        ("pull manifest", "GET", 200), ("pull blob", "GET", 200), ("pull blob", "GET", 200),
    ]
    second = verify(client(registry), REPO, "latest")
    assert [s["step"] for s in second["steps"] if s["method"] in ("POST", "PUT")] == ["push manifest"]
    assert [s["status"] for s in second["steps"] if s["method"] == "HEAD"] == [200, 200]
    assert second["pulled_digest"] == MANIFEST_DIGEST


def test_skopeo_sees_the_pushed_image(htpasswd_distribution):
    registry = htpasswd_distribution({"admin": "admin-pw"})
    result = verify(client(registry, username="admin", password="admin-pw"), REPO, "v1")
    assert skopeo_digest(registry, REPO + ":v1", "--creds", "admin:admin-pw") == result["pushed_digest"]


def test_check_mode_pushes_nothing(distribution):
    registry = distribution()
    result = verify(client(registry, scope="repository:%s:pull" % REPO), REPO, "latest", check_mode=True)
    assert result["pulled_digest"] is None and result["match"] is False and result["pushed_digest"] is None
    assert "is not in the registry" in result["msg"]
    assert [s["method"] for s in result["steps"]] == ["GET", "GET"]
    assert not os.path.exists(os.path.join(registry.config["storage"]["filesystem"]["rootdirectory"],
                                           "docker", "registry", "v2", "repositories"))


def test_htpasswd_auth(htpasswd_distribution):
    registry = htpasswd_distribution({"admin": "admin-pw"})
    result = verify(client(registry, username="admin", password="admin-pw"), REPO, "latest")
    assert result["match"] is True
    with pytest.raises(VerifyError, match=r"^ping: 401 UNAUTHORIZED authentication required$"):
        verify(client(registry, username="admin", password="wrong"), REPO, "latest")
    with pytest.raises(VerifyError, match=r"^ping: 401 UNAUTHORIZED the registry asks for Basic credentials"):
        verify(client(registry), REPO, "latest")


def test_cleanup_with_deletes_enabled(distribution, tmp_path):
    registry = distribution(storage={"filesystem": {"rootdirectory": str(tmp_path / "data")}, "delete": {"enabled": True}})
    result = verify(client(registry), REPO, "latest", cleanup=True)
    assert result["cleanup"] == "deleted" and result["match"] is True
    assert result["steps"][-1] == {"step": "cleanup", "method": "DELETE",
                                   "path": "/v2/%s/manifests/%s" % (REPO, MANIFEST_DIGEST), "status": 202}
    assert pull(client(registry), REPO, dict(build_image(), tag="latest"), missing_ok=True) == (None, [])
    # Blobs stay, so pushing again only uploads the manifest.
    again = verify(client(registry), REPO, "latest", cleanup=True)
    assert [s["step"] for s in again["steps"] if s["method"] in ("POST", "PUT")] == ["push manifest"]


def test_cleanup_with_deletes_disabled_is_reported(distribution):
    registry = distribution()
    result = verify(client(registry), REPO, "latest", cleanup=True)
    assert result["cleanup"] == "unsupported"
    assert result["steps"][-1]["status"] == 405
    assert pull(client(registry), REPO, dict(build_image(), tag="latest"))[0] == MANIFEST_DIGEST


def test_corrupted_blob_is_a_mismatch(distribution, tmp_path):
    registry = distribution(storage={"filesystem": {"rootdirectory": str(tmp_path / "data")}})
    verify(client(registry), REPO, "latest")
    blob = tmp_path / "data" / "docker" / "registry" / "v2" / "blobs" / "sha256" / LAYER_DIGEST[7:9] / LAYER_DIGEST[7:] / "data"
    blob.write_bytes(b"X" + blob.read_bytes()[1:])  # same size, other content
    result = verify(client(registry), REPO, "latest", push_image=False)
    assert result["match"] is False
    assert result["mismatches"] == ["blob %s: content has digest %s" % (
        LAYER_DIGEST, "sha256:" + hashlib.sha256(blob.read_bytes()).hexdigest())]


def test_pull_only_of_a_missing_image_is_reported(distribution):
    registry = distribution()
    result = verify(client(registry), REPO, "never-pushed", push_image=False)
    assert result["pulled_digest"] is None and result["steps"][-1]["status"] == 404


def token_registry(distribution, pki, token_server, tmp_path, **sections):
    _key, _cert, cert_path, _key_path = pki
    return distribution(auth={"token": {"realm": token_server.realm, "service": TokenServer.SERVICE,
                                        "issuer": TokenServer.ISSUER, "rootcertbundle": cert_path}},
                        storage={"filesystem": {"rootdirectory": str(tmp_path / "data")}, "delete": {"enabled": True}},
                        **sections)


def test_bearer_token_flow(distribution, pki, token_server, tmp_path):
    registry = token_registry(distribution, pki, token_server, tmp_path)
    result = verify(client(registry, username="admin", password="admin-pw"), REPO, "latest", cleanup=True)
    assert result["match"] is True and result["cleanup"] == "deleted"
    steps = [(s["step"], s["status"]) for s in result["steps"]]
    assert steps[:2] == [("token", 200), ("ping", 200)]
    # Distribution asks for the delete scope at the DELETE; the client fetches a token for it.
    assert steps[-2:] == [("token", 200), ("cleanup", 202)]
    assert token_server.scopes == ["repository:%s:pull,push" % REPO, "repository:%s:delete" % REPO]


def test_bearer_wrong_password_and_read_only_user(distribution, pki, token_server, tmp_path):
    registry = token_registry(distribution, pki, token_server, tmp_path)
    with pytest.raises(VerifyError, match=r"^token: 401 UNAUTHORIZED bad credentials$"):
        verify(client(registry, username="admin", password="wrong"), REPO, "latest")
    with pytest.raises(VerifyError, match=r"^start upload: 401 UNAUTHORIZED authentication required"):
        verify(client(registry, username="reader", password="reader-pw"), REPO, "latest")


def test_tls_with_ca_path(distribution, pki):
    _key, _cert, cert_path, key_path = pki
    registry = distribution(http={"tls": {"certificate": cert_path, "key": key_path}})
    assert registry.url.startswith("https://")
    with pytest.raises(VerifyError, match=r"^ping: cannot reach https://127\.0\.0\.1:\d+/v2/: .*CERTIFICATE_VERIFY_FAILED"):
        verify(client(registry), REPO, "latest")
    assert verify(client(registry, ca_path=cert_path), REPO, "latest")["match"] is True
    assert verify(client(registry, validate_certs=False), REPO, "latest")["match"] is True


def test_unreachable_registry_names_the_step(free_port):
    with pytest.raises(VerifyError, match=r"^ping: cannot reach http://127\.0\.0\.1:%d/v2/: " % free_port):
        verify(Registry("http://127.0.0.1:%d" % free_port, timeout=5), REPO, "latest")


# --- live: the Docker schema 2 format, the catalog and tags list -------------------------------

def test_docker_format_push_pull_and_what_skopeo_reads(distribution):
    registry = distribution()
    result = verify(client(registry), REPO, "docker", manifest_format="docker", catalog=True)
    assert result["pushed_digest"] == result["pulled_digest"] == DOCKER_DIGEST and result["match"] is True
    assert result["media_type"] == DOCKER_TYPES[0] and result["tags"] == ["docker"]
    assert [s["step"] for s in result["steps"]][-2:] == ["catalog", "tags list"]
    assert skopeo_digest(registry, REPO + ":docker") == DOCKER_DIGEST
    # skopeo reads it as an image: its config (the platform) and its layer.
    done = subprocess.run(["skopeo", "inspect", "--tls-verify=false", "docker://%s/%s:docker" % (registry.address, REPO)],
                          capture_output=True, timeout=60, check=True)
    inspected = json.loads(done.stdout)
    assert inspected["Digest"] == DOCKER_DIGEST and inspected["Os"] == "linux"
    assert inspected["Layers"] == [LAYER_DIGEST]
    # Both formats side by side share the blobs: the OCI push uploads only its manifest.
    oci = verify(client(registry), REPO, "oci", catalog=True)
    assert oci["pulled_digest"] == MANIFEST_DIGEST and sorted(oci["tags"]) == ["docker", "oci"]
    assert [s["step"] for s in oci["steps"] if s["method"] in ("POST", "PUT")] == ["push manifest"]


def test_the_media_type_served_is_compared(distribution):
    registry = distribution()
    verify(client(registry), REPO, "latest", manifest_format="docker")
    result = verify(client(registry), REPO, "latest", push_image=False, catalog=True)
    assert result["match"] is False and result["tags"] is None  # nothing listed after a mismatch
    assert result["mismatches"] == ["manifest: expected %s, got %s" % (MANIFEST_DIGEST, DOCKER_DIGEST),
                                    "manifest: served as %s, expected %s" % (DOCKER_TYPES[0], _oci.MANIFEST_TYPE)]


def test_a_registry_refusing_docker_manifests_is_quoted_and_named(distribution):
    registry = distribution()
    with OciOnlyProxy(registry.url) as proxy:
        stand_in = Registry(proxy.url, timeout=10)
        with pytest.raises(VerifyError) as refused:
            verify(stand_in, REPO, "latest", manifest_format="docker")
        assert str(refused.value) == (
            'push manifest: 415 MANIFEST_INVALID manifest invalid {"mediaType": "%s"}; the registry refuses Docker '
            'schema 2 manifests (manifest_format docker): zot takes them only with docker2s2 in http.compat'
            % DOCKER_TYPES[0])
        assert stand_in.steps[-1] == {"step": "push manifest", "method": "PUT", "path": "/v2/%s/manifests/latest" % REPO,
                                      "status": 415}
        # The blobs went through the proxy to Distribution; the OCI manifest is taken.
        assert proxy.refused == 1 and verify(Registry(proxy.url, timeout=10), REPO, "latest")["match"] is True
    # Other refusals keep the registry's words and get no hint.
    with pytest.raises(VerifyError, match=r"^push manifest: 400 MANIFEST_BLOB_UNKNOWN blob unknown to registry ") as unknown:
        push(client(registry), "anchorage/other", dict(build_image("docker"), tag="t", blobs=[]))
    assert "docker2s2" not in str(unknown.value)


def test_the_catalog_is_followed_page_by_page(distribution, monkeypatch):
    registry = distribution(catalog={"maxentries": 1})
    for repository in ("a/first", REPO, "z/last"):
        verify(client(registry), repository, "latest")
    result = verify(client(registry), REPO, "latest", catalog=True)
    assert [s["step"] for s in result["steps"]].count("catalog") == 2 and result["tags"] == ["latest"]
    monkeypatch.setattr(_oci, "LIST_PAGES", 1)
    with pytest.raises(VerifyError, match=r"^catalog: anchorage/verify is not among the 1 repositories listed \(1 page\)$"):
        verify(client(registry), REPO, "latest", catalog=True)
    with pytest.raises(VerifyError, match=r"^tags list: never is not among the 1 tags listed \(1 page\)$"):
        _oci.listed(client(registry), "tags list", "/v2/%s/tags/list" % REPO, "tags", "never")
