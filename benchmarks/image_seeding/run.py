"""Image seeding: the ``images`` module against ``skopeo copy`` for the same images, in one run.

A seeding list of IMAGES images of LAYERS incompressible layers each (~480 MB in all), from three
kinds of source: an OCI layout (written here, gzip layers), docker-archives (skopeo's conversion
of that layout) and a source registry (seeded from the layout with skopeo). For each kind, a
fresh CNCF Distribution (Debian's docker-registry on loopback, filesystem storage) receives the
list from one module run and another from one ``skopeo copy`` per image; then both copy the
list again into the registry they filled.

The module runs as Ansible runs it on a target: ``python images.py ARGS`` (the controller's own
overhead is the same for any task and left out). A module run costs a fixed ~0.2 s on these
machines to import ansible-core's module_utils; it is printed too. Prints the first-copy ratios
module / skopeo (goal <= 1.1) and the module's re-run / first copy (goal <= 0.1), last.

    make venv host-deps
    .venv/bin/python benchmarks/image_seeding/run.py [TRIALS]   # default 3; about 2 minutes
"""

import hashlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path[:0] = [os.path.join(ROOT, ".build", "collections"), os.path.join(ROOT, "benchmarks")]

from _registry_lab import sh  # noqa: E402
from ansible_collections.anchorage.registry.plugins.module_utils._distribution import build_config, render  # noqa: E402
from ansible_collections.anchorage.registry.plugins.module_utils._oci import gzip_stored  # noqa: E402

MODULE = os.path.join(ROOT, "plugins", "modules", "images.py")
REGISTRY_BINARY = "/usr/bin/docker-registry"
IMAGES = 3
LAYERS = 4
LAYER_MB = 40


def digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def repo(index):
    return "bench/app%d:1.0" % index


def write_layout(path):
    """An OCI layout of IMAGES images (ref names img0, img1...): LAYERS layers of random bytes
    each, in stored gzip (fast to write)."""
    blobs = os.path.join(path, "blobs", "sha256")
    os.makedirs(blobs)
    tops = [write_image(blobs, "img%d" % index) for index in range(IMAGES)]
    with open(os.path.join(path, "index.json"), "w") as handle:
        json.dump({"schemaVersion": 2, "manifests": tops}, handle)
    with open(os.path.join(path, "oci-layout"), "w") as handle:
        handle.write('{"imageLayoutVersion":"1.0.0"}')


def write_image(blobs, ref):

    def put(data):
        with open(os.path.join(blobs, digest(data)[7:]), "wb") as handle:
            handle.write(data)
        return {"digest": digest(data), "size": len(data)}

    layers, diff_ids = [], []
    for index in range(LAYERS):
        content = os.urandom(LAYER_MB << 20)
        name = ("layer%d.bin" % index).encode()
        header = name.ljust(100, b"\0") + b"0000644\0" + b"0000000\0" * 2 + ("%011o\0" % len(content)).encode()
        header += b"00000000000\0" + b" " * 8 + b"0" + b"\0" * 100 + b"ustar\x0000" + b"\0" * 247
        header = header[:148] + ("%06o\0 " % sum(header)).encode() + header[156:]
        tar = header + content + b"\0" * (-len(content) % 512) + b"\0" * 1024
        diff_ids.append(digest(tar))
        layers.append(dict(put(gzip_stored(tar)), mediaType="application/vnd.oci.image.layer.v1.tar+gzip"))
    config = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode()
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": dict(put(config), mediaType="application/vnd.oci.image.config.v1+json"),
                           "layers": layers}).encode()
    return dict(put(manifest), mediaType="application/vnd.oci.image.manifest.v1+json",
                annotations={"org.opencontainers.image.ref.name": ref})


class Distribution(object):
    def __init__(self, root):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.root = tempfile.mkdtemp(dir=root)
        config = build_config({"storage": {"filesystem": {"rootdirectory": os.path.join(self.root, "data")}},
                               "http": {"addr": "127.0.0.1:%d" % self.port}})
        with open(os.path.join(self.root, "config.yml"), "w") as handle:
            handle.write(render(config))
        env = dict((k, v) for k, v in os.environ.items() if k != "AWS_CA_BUNDLE")
        self.log = open(os.path.join(self.root, "log"), "wb")
        self.process = subprocess.Popen([REGISTRY_BINARY, "serve", os.path.join(self.root, "config.yml")],
                                        stdout=self.log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise SystemExit("Distribution did not start")
                time.sleep(0.1)
        self.address = "127.0.0.1:%d" % self.port

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log.close()
        shutil.rmtree(self.root, ignore_errors=True)


def run_module(work, target, sources, extra):
    args = {"url": "http://" + target.address,
            "images": [dict(extra, source=source, destination=repo(index)) for index, source in enumerate(sources)]}
    path = os.path.join(work, "args.json")
    with open(path, "w") as handle:
        json.dump({"ANSIBLE_MODULE_ARGS": args}, handle)
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, ".build", "collections"))
    start = time.monotonic()
    out = sh(sys.executable, MODULE, path, env=env)
    seconds = time.monotonic() - start
    result = json.loads(out)
    if result.get("failed"):
        raise SystemExit("images failed: %s" % result["msg"])
    return seconds, result["summary"]["bytes_uploaded"]


def run_skopeo(target, sources, extra):
    start = time.monotonic()
    for index, source in enumerate(sources):
        sh("skopeo", "--insecure-policy", "copy", "-q", "--dest-tls-verify=false", *extra, source,
           "docker://%s/%s" % (target.address, repo(index)))
    return time.monotonic() - start


def import_floor():
    """Seconds a Python process takes to import what every module imports (the fixed cost)."""
    start = time.monotonic()
    sh(sys.executable, "-c", "import ansible.module_utils.basic")
    return time.monotonic() - start


def main():
    trials = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    work = tempfile.mkdtemp(prefix="anchorage-bench-seeding-")
    running = []
    try:
        layout = os.path.join(work, "layout")
        write_layout(layout)
        upstream = Distribution(work)
        running.append(upstream)
        for index in range(IMAGES):
            sh("skopeo", "--insecure-policy", "copy", "-q", "oci:%s:img%d" % (layout, index),
               "docker-archive:%s:%s" % (os.path.join(work, "app%d.tar" % index), repo(index)))
            sh("skopeo", "--insecure-policy", "copy", "-q", "--dest-tls-verify=false", "oci:%s:img%d" % (layout, index),
               "docker://%s/%s" % (upstream.address, repo(index)))
        size_mb = sum(os.path.getsize(os.path.join(layout, "blobs", "sha256", name))
                      for name in os.listdir(os.path.join(layout, "blobs", "sha256"))) / 1e6
        cases = [
            ("oci layout", ["oci:%s:img%d" % (layout, i) for i in range(IMAGES)], {}, []),
            ("registry", ["docker://%s/%s" % (upstream.address, repo(i)) for i in range(IMAGES)],
             {"source_plain_http": True}, ["--src-tls-verify=false"]),
            ("docker-archive", ["docker-archive:%s" % os.path.join(work, "app%d.tar" % i) for i in range(IMAGES)], {}, []),
        ]
        print("%d images of %d layers, %.0f MB in all; %d trials; median seconds" % (IMAGES, LAYERS, size_mb, trials))
        print("fixed cost of a module run (importing ansible-core's module_utils): %.2f s" % import_floor())
        ratios = {}
        reruns = []
        for label, source, module_extra, skopeo_extra in cases:
            module_first, module_again, skopeo_first, skopeo_again, uploaded = [], [], [], [], []
            for _trial in range(trials):
                mine, theirs = Distribution(work), Distribution(work)
                running.extend([mine, theirs])
                seconds, sent = run_module(work, mine, source, module_extra)
                module_first.append(seconds)
                skopeo_first.append(run_skopeo(theirs, source, skopeo_extra))
                seconds, again_sent = run_module(work, mine, source, module_extra)
                module_again.append(seconds)
                uploaded.append(again_sent)
                skopeo_again.append(run_skopeo(theirs, source, skopeo_extra))
                for registry in (mine, theirs):
                    registry.stop()
                    running.remove(registry)
            first = statistics.median(module_first) / statistics.median(skopeo_first)
            rerun = statistics.median(module_again) / statistics.median(module_first)
            ratios[label] = first
            reruns.append(rerun)
            print("%-15s first: module %6.2f  skopeo %6.2f  (%.2f)   again: module %5.2f (%d bytes)  skopeo %5.2f"
                  % (label, statistics.median(module_first), statistics.median(skopeo_first), first,
                     statistics.median(module_again), max(uploaded), statistics.median(skopeo_again)))
        print("note: from a docker-archive skopeo gzips each layer before uploading; the module uploads the "
              "archive's layers as they are")
        for label in ("oci layout", "registry", "docker-archive"):
            print("ratio first copy module/skopeo, %s: %.2f (goal <= 1.1)" % (label, ratios[label]))
        print("ratio re-run/first copy, module (worst source): %.3f (goal <= 0.1)" % max(reruns))
    finally:
        for registry in running:
            registry.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
