"""Container health probe: GET /health with the Host header Django expects (stdlib only)."""

import os
import sys
import urllib.request
from urllib.parse import urlsplit

port = os.environ.get("WEB_PORT", "8000")
host = urlsplit(os.environ.get("PUBLIC_URL", f"http://localhost:{port}")).hostname or "localhost"
request = urllib.request.Request(f"http://127.0.0.1:{port}/health", headers={"Host": host})
try:
    with urllib.request.urlopen(request, timeout=4) as response:
        sys.exit(0 if response.status == 200 else 1)
except Exception as exc:  # any failure means unhealthy
    print(f"unhealthy: {exc}", file=sys.stderr)  # noqa: T201
    sys.exit(1)
