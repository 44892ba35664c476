"""The web container's healthcheck: GET /healthz from gunicorn, as the site's proxy would ask for it.

A bare request to http://127.0.0.1:8000/healthz fails in production: 127.0.0.1 is not among
ALLOWED_HOSTS (400), and SECURE_SSL_REDIRECT answers plain HTTP with a redirect to https. So this asks
with the site's own host name (the first usable entry of ALLOWED_HOSTS) and with the header the
TLS-terminating proxy sets (SECURE_PROXY_SSL_HEADER). Exit 0 when /healthz answers 200, else 1 with
the reason on stderr. Plain Python: it runs in the image without loading Django.
"""

import os
import sys
import urllib.error
import urllib.request

DEFAULT_URL = "http://127.0.0.1:8000/healthz"


def host_to_ask_for(allowed_hosts: str) -> str:
    """The first ALLOWED_HOSTS entry usable as a Host header: '.example.org' means example.org, '*' any."""
    for entry in (part.strip() for part in allowed_hosts.split(",")):
        if entry and entry != "*":
            return entry.lstrip(".")
    return "localhost"


def check(url: str, host: str, timeout: float = 5) -> tuple[bool, str]:
    request = urllib.request.Request(url, headers={"Host": host, "X-Forwarded-Proto": "https"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status == 200, f"{response.status}"
    except urllib.error.HTTPError as error:
        return False, f"{error.code} {error.read(300).decode(errors='replace')}"
    except (urllib.error.URLError, OSError) as error:
        return False, str(error)


def main() -> int:
    url = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_URL
    healthy, detail = check(url, host_to_ask_for(os.environ.get("ALLOWED_HOSTS", "")))
    if not healthy:
        sys.stderr.write(f"unhealthy: {url} answered {detail}\n")
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
