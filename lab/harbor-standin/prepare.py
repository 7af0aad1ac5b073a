#!/usr/bin/env python3
"""Lab stand-in for Harbor's prepare image: harbor.yml in, common/config + docker-compose.yml out.

Like the real one (goharbor/prepare, run by the installer's ./prepare): reads /input/harbor.yml,
deletes and rewrites /config (the installer's common/config), writes
/compose_location/docker-compose.yml, creates the data directories and secret/keys/secretkey
under /data only when missing, and regenerates the component secrets on every run, so the env
files differ after each run and the next `up -d` recreates every container. It is not Harbor:
it writes the files of the lab's stand-in images only. It also appends one line per run to
common/standin-prepare-runs.log, the marker the molecule scenario counts.
"""

import argparse
import datetime
import os
import secrets
import shutil
import sys

import yaml

CONFIG = "/config"
COMPOSE = "/compose_location"
VERSION = os.environ.get("HARBOR_VERSION", "v2.16.0")
# The harbor.yml version this image writes, and the older ones its migrate converts from.
CONFIG_VERSION = os.environ.get("HARBOR_CONFIG_VERSION", "2.15.0")
CONFIG_VERSIONS = ("2.12.0", "2.13.0", "2.14.0", "2.15.0")
# The top-level keys of Harbor's harbor.yml.tmpl: migrate keeps these only.
SECTIONS = (
    "hostname", "http", "https", "ip_family", "internal_tls", "external_url", "harbor_admin_password",
    "database", "data_volume", "storage_service", "trivy", "jobservice", "notification", "log", "_version",
    "external_database", "redis", "external_redis", "uaa", "proxy", "metric", "trace", "upload_purging",
    "cache", "core",
)
# Harbor's compose file passes every setting with env_file; Docker then copies the values
# (passwords too) into containerd's config.json, mode 0644 (under /run/containerd, 0700). The
# stand-in passes the passwords in a mounted file (password.env, read at start) instead, so they
# stay in 0600 files only; the rest, the regenerated secrets included, goes through env_file as
# in Harbor, which is what makes `up -d` recreate core and the registry after each prepare.
PASSWORDS_MOUNT = "./common/config/%s/password.env:/etc/harbor-standin/password.env:ro"


def fail(message):
    sys.stderr.write("prepare (lab stand-in): %s\n" % message)
    sys.exit(1)


def read_input(path="/input/harbor.yml"):
    try:
        with open(path) as handle:
            data = yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as error:
        fail("cannot read %s: %s" % (path, error))
    if not isinstance(data, dict):
        fail("%s is not a mapping" % path)
    # The keys the real prepare crashes without, and the two hostnames it refuses.
    for key in ("hostname", "harbor_admin_password", "data_volume", "jobservice", "notification", "log"):
        if key not in data:
            fail("%s has no %s" % (path, key))
    if "database" not in data or "password" not in (data["database"] or {}):
        fail("%s has no database.password" % path)
    if data["hostname"] in ("127.0.0.1", "reg.mydomain.com"):
        fail("hostname %s is not allowed" % data["hostname"])
    return data


def write(path, text, mode=0o600):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as handle:
        handle.write(text)
    os.chmod(path, mode)


def env_file(values):
    return "".join("%s=%s\n" % item for item in values.items())


def nginx_conf(port):
    # Names resolved per request through Docker's DNS: a recreated core or registry gets a new address.
    return """worker_processes 1;
pid /tmp/nginx.pid;
events { worker_connections 256; }
http {
  access_log /dev/stdout;
  error_log /dev/stderr;
  resolver 127.0.0.11 valid=5s;
  client_max_body_size 0;
  server {
    listen %d;
    location /v2/ { set $up registry:5000; proxy_pass http://$up; proxy_set_header Host $http_host; }
    location / { set $up core:8080; proxy_pass http://$up; proxy_set_header Host $http_host; }
  }
}
""" % port


def service(image, **extra):
    return dict(dict(image="anchorage-lab/harbor-%s:%s" % (image, VERSION), restart="always", networks=["harbor"]),
                **extra)


def compose(data, http_port):
    data_volume = data["data_volume"]
    services = {
        "registry": service("registry", container_name="registry", env_file=["./common/config/registry/env"],
                            volumes=["%s/registry:/var/lib/registry" % data_volume,
                                     "./common/config/registry/config.yml:/etc/docker/registry/config.yml:ro"]),
        "postgresql": service("db", container_name="harbor-db",
                              volumes=["%s/database:/var/lib/postgresql/data" % data_volume, PASSWORDS_MOUNT % "db"]),
        "redis": service("redis", container_name="redis", volumes=["%s/redis:/var/lib/redis" % data_volume]),
        "core": service("core", container_name="harbor-core", env_file=["./common/config/core/env"],
                        volumes=[PASSWORDS_MOUNT % "core"],
                        depends_on=["registry", "postgresql", "redis"]),
        "proxy": service("nginx", container_name="nginx", depends_on=["core", "registry"],
                         ports=["%d:8080" % http_port],
                         volumes=["./common/config/nginx/nginx.conf:/etc/nginx/nginx.conf:ro"]),
    }
    return yaml.safe_dump({"version": "2.3", "services": services, "networks": {"harbor": {"external": False}}},
                          sort_keys=False)


def hostfs(path):
    return os.path.join("/hostfs", path.lstrip("/"))


def migrate(argv):
    parser = argparse.ArgumentParser(prog="migrate")
    parser.add_argument("-i", "--input", required=True)
    parser.add_argument("-o", "--output", default="")
    parser.add_argument("-t", "--target", default=CONFIG_VERSION)
    args = parser.parse_args(argv)
    known = CONFIG_VERSIONS[:CONFIG_VERSIONS.index(CONFIG_VERSION) + 1]
    if args.target not in known:
        fail("migrate: target version %s not supported (%s)" % (args.target, ", ".join(known)))
    try:
        with open(hostfs(args.input)) as handle:
            data = yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as error:
        fail("migrate: cannot read %s: %s" % (args.input, error))
    source = str((data or {}).get("_version", ""))
    if source not in known or known.index(source) > known.index(args.target):
        fail("migrate: the version %r of %s not supported (%s up to the target)" % (source, args.input, ", ".join(known)))
    if source == args.target:
        print("Version of input harbor.yml is identical to target %s, no need to upgrade" % source)
        return
    for step in known[known.index(source) + 1:known.index(args.target) + 1]:
        print("migrating to version %s" % step)
    data = dict((key, value) for key, value in data.items() if key in SECTIONS)
    data["_version"] = args.target
    output = args.output or args.input
    with open(hostfs(output), "w") as handle:
        yaml.safe_dump(data, handle, sort_keys=False)
    print("Written new values to %s" % output)


def prepare():
    data = read_input()
    http_port = int((data.get("http") or {}).get("port", 80))
    db_password = str(data["database"]["password"])
    for name in os.listdir(CONFIG):
        path = os.path.join(CONFIG, name)
        shutil.rmtree(path) if os.path.isdir(path) and not os.path.islink(path) else os.remove(path)
    write(CONFIG + "/db/password.env", env_file({"POSTGRES_PASSWORD": db_password}))
    write(CONFIG + "/core/password.env", env_file({
        "HARBOR_ADMIN_PASSWORD": data["harbor_admin_password"], "POSTGRESQL_PASSWORD": db_password}))
    # Regenerated on every run, as the real prepare does.
    write(CONFIG + "/core/env", env_file({
        "CORE_SECRET": secrets.token_hex(8),
        "POSTGRESQL_HOST": "postgresql", "POSTGRESQL_PORT": "5432", "POSTGRESQL_USERNAME": "postgres",
        "POSTGRESQL_DATABASE": "registry",
        "REGISTRY_URL": "http://registry:5000", "REDIS_HOST": "redis", "REDIS_PORT": "6379",
        "LOG_LEVEL": (data.get("log") or {}).get("level", "info"), "HARBOR_VERSION": VERSION,
    }))
    write(CONFIG + "/registry/env", env_file({"REGISTRY_HTTP_SECRET": secrets.token_hex(8)}))
    write(CONFIG + "/registry/config.yml", yaml.safe_dump({
        "version": 0.1, "log": {"level": "info"},
        "storage": {"filesystem": {"rootdirectory": "/var/lib/registry"}, "delete": {"enabled": True}},
        "http": {"addr": ":5000"},
    }), mode=0o644)
    write(CONFIG + "/nginx/nginx.conf", nginx_conf(8080), mode=0o644)
    write(COMPOSE + "/docker-compose.yml", compose(data, http_port), mode=0o644)
    # Under the data volume (mounted at /data): kept when present, as the real prepare does.
    for sub in ("registry", "database", "redis", "secret/keys"):
        os.makedirs("/data/" + sub, exist_ok=True)
    os.chmod("/data/database", 0o700)
    if not os.path.exists("/data/secret/keys/secretkey"):
        write("/data/secret/keys/secretkey", secrets.token_hex(8))
    with open(COMPOSE + "/common/standin-prepare-runs.log", "a") as marker:
        marker.write("%s %s\n" % (datetime.datetime.utcnow().isoformat(), " ".join(sys.argv[2:])))
    print("prepare (lab stand-in): wrote docker-compose.yml and common/config")


def main():
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "migrate":
        migrate(sys.argv[2:])
    elif command == "prepare":
        prepare()
    else:
        fail("unknown command %r: prepare or migrate" % command)


if __name__ == "__main__":
    main()
