"""Container health probe: GET /health with the Host header Django expects (stdlib only).

`python docker/healthcheck.py` probes the web server on WEB_PORT (8000); `python
docker/healthcheck.py 8080` probes the MCP HTTP server, whose /health needs no API key.
"""

import os
import sys
import urllib.request
from urllib.parse import urlsplit

port = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("WEB_PORT", "8000")
host = urlsplit(os.environ.get("PUBLIC_URL", f"http://localhost:{port}")).hostname or "localhost"
request = urllib.request.Request(f"http://127.0.0.1:{port}/health", headers={"Host": host})
try:
    with urllib.request.urlopen(request, timeout=4) as response:
        sys.exit(0 if response.status == 200 else 1)
except Exception as exc:  # any failure means unhealthy
    print(f"unhealthy: {exc}", file=sys.stderr)  # noqa: T201
    sys.exit(1)
