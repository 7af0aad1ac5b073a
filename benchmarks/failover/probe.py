"""Poll a URL until the answer comes from a different node; print one JSON line.

Runs inside the lab's client container (python3 only, no third-party modules):

    python3 probe.py URL HEADER SECONDS

Every 20 ms it GETs URL with a 250 ms timeout and notes which node answered (the value of
response header HEADER, which each registry sets to its own name). It prints ``ready`` once it
has seen a steady node, then waits for the answers to stop (the failure under test) and
to come back from another node. It never runs longer than SECONDS.
"""

import http.client
import json
import sys
import time
import urllib.parse


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
    except OSError:
        return None
    finally:
        conn.close()


def main():
    url, header, limit = sys.argv[1], sys.argv[2], float(sys.argv[3])
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
