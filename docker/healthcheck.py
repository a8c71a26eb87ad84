"""Container health probe: exit 0 when /healthz answers 200, 1 otherwise.

python:3.11-slim has no curl. The Host header is one that ALLOWED_HOSTS accepts, else
Django would answer 400 to a probe addressed to 127.0.0.1.
"""

import os
import sys
import urllib.error
import urllib.request

URL = os.environ.get("HEALTHCHECK_URL", "http://127.0.0.1:8000/healthz")
TIMEOUT_SECONDS = 5


def probe_host() -> str:
    for entry in os.environ.get("ALLOWED_HOSTS", "").split(","):
        entry = entry.strip()
        if entry and entry != "*":
            # ".example.jp" allows example.jp and every subdomain.
            return entry.lstrip(".")
    return "localhost"


def main() -> int:
    request = urllib.request.Request(URL, headers={"Host": probe_host()})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            body = response.read(200).decode("utf-8", "replace")
            status = response.status
    except urllib.error.HTTPError as error:
        body = error.read(200).decode("utf-8", "replace")
        status = error.code
    except OSError as error:
        print(f"healthz unreachable: {error}", file=sys.stderr)
        return 1
    print(f"healthz {status} {body}")
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
