"""Clients of the VIP, run inside the lab's client container (python3 only, no third-party modules).

    python3 probe.py URL HEADER SECONDS [outage]
    python3 probe.py pull BASE_URL REPOSITORY SECONDS [USER:PASSWORD]

The first polls URL until the answer comes from a different node and prints one JSON line. Every
20 ms it GETs URL with a 250 ms timeout and notes which node answered (the value of response
header HEADER, which each registry sets to its own name). It prints ``ready`` once it has seen a
steady node, then waits for the answers to stop (the failure under test) and to come back from
another node. With ``outage`` (a load balancer answers from every node in turn) it waits for the
answers to stop and come back, from any node.

``pull`` is a client pulling continuously: the manifest of REPOSITORY[:TAG] (default tag latest), then every blob it
lists, read in full, one request at a time with a 10 s timeout, again and again. A failed request
(an error, a timeout or a status other than 200) is counted and the pull retried after 0.5 s, as
clients retry. It prints ``ready`` after its first pull, then at the end one JSON line: pulls,
requests, failed requests and when they failed.

Neither runs longer than SECONDS.
"""

import base64
import http.client
import json
import sys
import time
import urllib.parse

MANIFEST_TYPES = ", ".join(["application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json"])


def ask(url, header, timeout):
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    try:
        conn.request("GET", parts.path or "/")
        response = conn.getresponse()
        response.read()
        if response.status in (200, 401):
            return response.getheader(header) or "?"
        return None
    except (OSError, http.client.HTTPException):
        # A connection refused, reset or timed out, or an answer cut off (IncompleteRead) when a node dies mid-response.
        return None
    finally:
        conn.close()


def fetch(base, path, headers, timeout=10.0):
    """The body of a 200 answer, or None (any error, timeout or other status)."""
    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        return body if response.status == 200 else None
    except (OSError, http.client.HTTPException):
        # A connection refused, reset or timed out, or an answer cut off (IncompleteRead) when a node dies mid-response.
        return None
    finally:
        conn.close()


def pull(base, repository, limit, credentials=None):
    headers = {"Accept": MANIFEST_TYPES}
    if credentials:
        headers["Authorization"] = "Basic " + base64.b64encode(credentials.encode()).decode()
    repository, _, tag = repository.partition(":")
    start = time.time()
    pulls = requests = 0
    failures = []
    ready = False
    while time.time() - start < limit:
        manifest = fetch(base, "/v2/%s/manifests/%s" % (repository, tag or "latest"), headers)
        requests += 1
        ok = manifest is not None
        if ok:
            doc = json.loads(manifest)
            for blob in [doc["config"]] + doc.get("layers", []):
                requests += 1
                if fetch(base, "/v2/%s/blobs/%s" % (repository, blob["digest"]), headers) is None:
                    ok = False
                    break
        if ok:
            pulls += 1
            if not ready:
                ready = True
                print("ready", flush=True)
        else:
            failures.append(round(time.time() - start, 2))
            time.sleep(0.5)
    print(json.dumps({"pulls": pulls, "requests": requests, "failed": len(failures), "failed_at": failures}), flush=True)
    return 0


def main():
    if sys.argv[1] == "pull":
        return pull(sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5] if len(sys.argv) > 5 else None)
    url, header, limit = sys.argv[1], sys.argv[2], float(sys.argv[3])
    outage = sys.argv[4:] == ["outage"]
    start = time.time()
    first = None
    ready = False
    last_ok = None
    gone = None
    while time.time() - start < limit:
        sent = time.time()
        node = ask(url, header, 0.25)
        if node and first is None:
            first = node
        if node and outage and gone is not None:
            print(json.dumps({"old": first, "new": node, "last_ok": last_ok, "gone": gone, "back": time.time()}), flush=True)
            return 0
        if node and outage:
            node = first
        if node == first:
            last_ok = sent
            if not ready and sent - start > 0.5:
                ready = True
                print("ready", flush=True)
        elif node is None and ready and gone is None:
            gone = sent
        elif node and node != first:
            print(json.dumps({"old": first, "new": node, "last_ok": last_ok, "gone": gone, "back": time.time()}), flush=True)
            return 0
        time.sleep(max(0.0, 0.02 - (time.time() - sent)))
    print(json.dumps({"old": first, "new": None, "last_ok": last_ok, "gone": gone, "back": None}), flush=True)
    return 1


if __name__ == "__main__":
    sys.exit(main())
