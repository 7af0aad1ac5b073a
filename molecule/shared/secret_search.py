"""No secret in any log: the check each molecule scenario's verify step runs first.

1. Runs the scenario's converge.yml once more (a no-op after idempotence) with ``-vvv --diff``,
   with the inventory and environment molecule gives its verifier; the controller output is
   kept in ``$MOLECULE_EPHEMERAL_DIRECTORY/secret_search/controller.log``.
2. Reads every lab host's journal (every field of every entry, so also the records of module
   arguments Ansible writes there) and every file under /var/log, and searches all of it, and
   the controller output, for every secret the scenario used: as given, and base64-encoded at
   any offset (a Basic-auth header, a slurped file). Any hit fails, the secret masked.
3. Looks for files on the lab hosts that hold a secret: each must be mode 0600 or 0640 and match
   one of the scenario's declared files, owner and group included.

The scenario declares what to look for in its inventory (molecule.yml), variable
``lab_secret_search``::

    lab_secret_search:
      limit: registries    # optional: the -vvv converge runs on these hosts only (time)
      secrets:
        - {name: admin's password, var: lab_admin_password}    # an inventory variable (a.b.c)
        - {name: http.secret, file: /etc/anchorage/registry/http-secret}  # read on every host
      files:
        # A file found holding a secret must match one of these; hashed: also checked without a
        # secret found in it (bcrypt hashes); every entry must match at least one file.
        - {path: /etc/anchorage/registry/config.yml, owner: root, group: root}
        - {path: /etc/anchorage/registry/htpasswd, owner: root, group: root, hashed: true}

testinfra scenarios run it through test_no_secret_in_logs.py (listed in
.config/molecule/config.yml); an Ansible verifier runs this file (node_trust's verify.yml).
Needs the docker driver: the hosts are read with ``docker exec``, which leaves no record in them.
"""

from __future__ import annotations

import base64
import fnmatch
import io
import json
import os
import subprocess
import sys
import tarfile
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization  # ansible-core's own requirement

PRIVATE_MODES = ("600", "640")
# Shorter values would match by chance; a multi-line secret (a PEM key) is searched line by line.
MIN_SECRET = 8
MIN_LINE = 16
EXCERPT = 70  # characters kept on each side of the first masked secret in a reported line
MAX_REPORTED = 40
# Where a file holding a secret is looked for (text files; /var/log is searched as logs).
FILE_ROOTS = ("/etc", "/root", "/home", "/srv", "/opt", "/usr/local", "/var", "/tmp", "/run")
# Runs in each lab host: files holding a needle (patterns on stdin), then the declared files.
SCAN_SCRIPT = r"""
grep -rlIFZ --devices=skip -f /dev/stdin -- $ROOTS 2>/dev/null | xargs -0r stat -c 'holds %a %U %G %n' --
for glob in "$@"; do for f in $glob; do [ -f "$f" ] && stat -c 'declared %a %U %G %n' -- "$f"; done; done
true
"""
READ_SECRET_SCRIPT = r"""for f in $1; do [ -f "$f" ] && printf '%s %s\n' "$(base64 -w0 "$f")" "$f"; done; true"""


@dataclass(frozen=True)
class Hit:
    """A line holding a secret; ``excerpt`` is already masked."""

    where: str
    line: int
    excerpt: str


def b64_fragments(value: bytes) -> list[bytes]:
    """The base64 text ``value`` shows as wherever it sits in an encoded stream.

    Base64 encodes 3 bytes as 4 characters, so the encoding of a value depends on its offset
    modulo 3; for each offset, only the characters made of the value's bits alone are kept.
    """
    fragments = []
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + value)
        start = (4 * offset + 2) // 3
        end = (8 * (offset + len(value))) // 6
        fragments.append(encoded[start:end])
    return fragments


def public_key_text(value: str) -> str:
    """The base64 body of the public key of a PEM private key ("" for anything else).

    An EC private key ends with its public point, so its last line can be the public key's own
    last line, which modules print (``public_key``) and which is no secret.
    """
    if "PRIVATE KEY-----" not in value:
        return ""
    try:
        key = serialization.load_pem_private_key(value.encode("utf-8"), password=None)
        pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    except Exception:  # pylint: disable=broad-except
        return ""
    return "".join(line for line in pem.decode("ascii").splitlines() if not line.startswith("-----"))


def needles(name: str, value: str) -> list[tuple[str, bytes]]:
    """``(name, bytes)`` pairs to search for: the value (each line of a multi-line one, PEM armour
    left out) and its base64 forms."""
    raw = value.strip("\n")
    if "\n" in raw:
        parts = [line.strip() for line in raw.splitlines()]
        public = public_key_text(raw)
        parts = [part for part in parts
                 if len(part) >= MIN_LINE and not part.startswith("-----") and part not in public]
    else:
        parts = [raw]
    if not parts or any(len(part) < MIN_SECRET for part in parts):
        raise ValueError("lab_secret_search: the secret %s is shorter than %d characters" % (name, MIN_SECRET))
    found = []
    for part in parts:
        encoded = part.encode("utf-8")
        found.append((name, encoded))
        found.extend((name + " (base64)", fragment) for fragment in b64_fragments(encoded))
    return found


def mask(line: bytes, all_needles: list[tuple[str, bytes]]) -> str:
    """``line`` with every needle replaced by ``<secret: NAME>``, longest first."""
    for name, needle in sorted(all_needles, key=lambda item: -len(item[1])):
        line = line.replace(needle, ("<secret: %s>" % name).encode("utf-8"))
    return line.decode("utf-8", "replace")


def excerpt(masked: str) -> str:
    """The part of a masked line around its first secret, whitespace collapsed."""
    text = " ".join(masked.split())
    at = text.find("<secret: ")
    start = max(at - EXCERPT, 0)
    end = text.find(">", at) + 1 + EXCERPT
    return ("..." if start else "") + text[start:end] + ("..." if end < len(text) else "")


def search(where: str, data: bytes, all_needles: list[tuple[str, bytes]]) -> list[Hit]:
    """Every line of ``data`` that holds a needle, masked."""
    present = [item for item in all_needles if item[1] in data]
    if not present:
        return []
    return [
        Hit(where, number, excerpt(mask(line, all_needles)))
        for number, line in enumerate(data.split(b"\n"), 1)
        if any(item[1] in line for item in present)
    ]


def lookup(variables: dict, dotted: str):
    """``variables['a']['b']`` for ``a.b``; None when a key is missing."""
    value = variables
    for key in dotted.split("."):
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def declared_secrets(declaration: list, hostvars: dict, read_files) -> list[tuple[str, str]]:
    """``(name, value)`` for each declared secret: every distinct value an inventory variable has
    on the hosts, or a file's content on each host (``read_files(glob) -> [(host, path, text)]``)."""
    secrets = []
    for index, entry in enumerate(declaration):
        where = "lab_secret_search.secrets[%d]" % index
        if "var" in entry:
            values = sorted({str(value) for value in (lookup(h, entry["var"]) for h in hostvars.values()) if value is not None})
            if any("{{" in value for value in values):
                raise ValueError("%s: %s is a template; name a variable that holds the value itself" % (where, entry["var"]))
            secrets.extend((entry["name"], value) for value in values)
        elif "file" in entry:
            values = [("%s (%s:%s)" % (entry["name"], host, path), text) for host, path, text in read_files(entry["file"])]
            secrets.extend(values)
        else:
            raise ValueError("%s: give var or file" % where)
        if not values:
            raise ValueError("%s: %s was found on no host" % (where, entry.get("var") or entry.get("file")))
    return secrets


def file_problems(found: dict, rules: list) -> tuple[list[str], int]:
    """Problems with the files holding secrets, and how many files were checked.

    ``found`` maps ``(host, path)`` to ``(mode, owner, group, holds)``: ``holds`` is true for a
    file a secret was found in, false for a declared file that exists (checked if ``hashed``).
    """
    problems = []
    checked = set()
    used_rules = set()
    for (host, path), (mode, owner, group, holds) in sorted(found.items()):
        rule = next((r for r in rules if fnmatch.fnmatchcase(path, r["path"])), None)
        if rule is None:
            problems.append("%s:%s holds a secret and is not a declared file" % (host, path))
            continue
        if not holds and not rule.get("hashed"):
            continue
        checked.add((host, path))
        used_rules.add(rule["path"])
        if mode not in PRIVATE_MODES:
            problems.append("%s:%s is mode 0%s, not 0600 or 0640" % (host, path, mode))
        if (owner, group) != (rule["owner"], rule["group"]):
            problems.append("%s:%s is owned by %s:%s, not %s:%s" % (host, path, owner, group, rule["owner"], rule["group"]))
    problems.extend("lab_secret_search.files: %s matches no file holding a secret on any host" % rule["path"]
                    for rule in rules if rule["path"] not in used_rules)
    return problems, len(checked)


def report(hits: list[Hit], problems: list[str], log_bytes: int, hosts: int, files: int) -> str:
    """What the check says, pass or fail; never a secret (hits are masked)."""
    lines = ["%d hits in %d bytes of logs from %d hosts (journal, /var/log) and the controller (-vvv converge)"
             % (len(hits), log_bytes, hosts)]
    for hit in hits[:MAX_REPORTED]:
        lines.append("  %s:%d: %s" % (hit.where, hit.line, hit.excerpt))
    if len(hits) > MAX_REPORTED:
        lines.append("  ... and %d more" % (len(hits) - MAX_REPORTED))
    if problems:
        lines.append("%d problems with the files holding secrets:" % len(problems))
        lines.extend("  " + problem for problem in problems)
    else:
        lines.append("%d files hold secrets on the hosts, each 0600 or 0640 and owned as declared" % files)
    return "\n".join(lines)


# --- Reading the lab -------------------------------------------------------------------------

def _run(argv, data=None, timeout=300) -> bytes:
    done = subprocess.run(argv, input=data, capture_output=True, timeout=timeout, check=False)
    if done.returncode != 0:
        # stderr only: stdout may hold what the command read (a secret).
        raise RuntimeError("%s failed (rc %d): %s" % (" ".join(argv[:4]), done.returncode, done.stderr.decode()[-2000:]))
    return done.stdout


def lab_hosts(inventory: str) -> dict:
    """{container name: hostvars} of the inventory's docker hosts."""
    listed = json.loads(_run(["ansible-inventory", "-i", inventory, "--list"]))
    hostvars = listed.get("_meta", {}).get("hostvars", {})
    hosts = {variables.get("ansible_host", name): variables for name, variables in hostvars.items()
             if "docker" in str(variables.get("ansible_connection", ""))}
    if not hosts:
        raise RuntimeError("no docker host in %s" % inventory)
    return hosts


def read_files(hosts, glob: str) -> list[tuple[str, str, str]]:
    found = []
    for host in hosts:
        out = _run(["docker", "exec", host, "sh", "-c", READ_SECRET_SCRIPT, "sh", glob]).decode()
        for line in out.splitlines():
            encoded, path = line.split(" ", 1)
            found.append((host, path, base64.b64decode(encoded).decode("utf-8", "replace")))
    return found


def host_logs(host: str) -> list[tuple[str, bytes]]:
    """(where, bytes): the journal, every field in full, and each file under /var/log."""
    logs = [("%s:journal" % host, _run(["docker", "exec", host, "journalctl", "--no-pager", "--all", "-o", "verbose"]))]
    archive = _run(["docker", "exec", host, "tar", "-C", "/", "--exclude=var/log/journal", "-cf", "-", "var/log"])
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar:
            if member.isfile():
                logs.append(("%s:/%s" % (host, member.name), tar.extractfile(member).read()))
    return logs


def host_files(host: str, all_needles, rules) -> dict:
    """{(host, path): (mode, owner, group, holds)} for files holding a needle and declared files."""
    patterns = b"\n".join(sorted({item[1] for item in all_needles}))
    script = SCAN_SCRIPT.replace("$ROOTS", " ".join(FILE_ROOTS))
    out = _run(["docker", "exec", "-i", host, "sh", "-c", script, "sh"] + [rule["path"] for rule in rules], data=patterns)
    found = {}
    for line in out.decode().splitlines():
        kind, mode, owner, group, path = line.split(" ", 4)
        if path.startswith("/var/log/"):
            continue  # searched as logs
        holds = kind == "holds" or found.get((host, path), (0, 0, 0, False))[3]
        found[(host, path)] = (mode, owner, group, holds)
    return found


def converge_vvv(environ: dict, limit, out_path: str) -> bytes:
    """Run converge.yml with -vvv --diff as molecule would; its output, also kept in ``out_path``."""
    env = dict(environ)
    env.pop("AWS_CA_BUNDLE", None)  # Distribution panics on it (see the Makefile)
    playbook = os.path.join(environ["MOLECULE_SCENARIO_DIRECTORY"], "converge.yml")
    argv = ["ansible-playbook", "-vvv", "--diff", "-i", environ["MOLECULE_INVENTORY_FILE"], playbook]
    done = subprocess.run(argv + (["--limit", limit] if limit else []),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, timeout=1800, check=False)
    with open(os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out:
        out.write(done.stdout)
    if done.returncode != 0:
        raise RuntimeError("converge.yml -vvv failed (rc %d); its output is in %s" % (done.returncode, out_path))
    return done.stdout


def check(environ) -> tuple[bool, str]:
    """Run the whole check for the scenario molecule describes in ``environ``: (passed, report)."""
    hosts = lab_hosts(environ["MOLECULE_INVENTORY_FILE"])
    declaration = next((v["lab_secret_search"] for v in hosts.values() if "lab_secret_search" in v), None)
    if declaration is None:
        raise RuntimeError("the scenario's inventory has no lab_secret_search (see %s)" % __file__)
    secrets = declared_secrets(declaration["secrets"], hosts, lambda glob: read_files(hosts, glob))
    all_needles = [item for name, value in secrets for item in needles(name, value)]
    out_dir = os.path.join(environ["MOLECULE_EPHEMERAL_DIRECTORY"], "secret_search")
    os.makedirs(out_dir, mode=0o700, exist_ok=True)
    logs = [("controller", converge_vvv(environ, declaration.get("limit"), os.path.join(out_dir, "controller.log")))]
    found = {}
    for host in hosts:
        logs.extend(host_logs(host))
        found.update(host_files(host, all_needles, declaration["files"]))
    hits = [hit for where, data in logs for hit in search(where, data, all_needles)]
    problems, files = file_problems(found, declaration["files"])
    text = report(hits, problems, sum(len(item[1]) for item in logs), len(hosts), files)
    return not hits and not problems, text


def main() -> int:
    passed, text = check(os.environ)
    print(text)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
