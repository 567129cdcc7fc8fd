"""One signed POST to a checked receiver, connected to the very address the target check approved.

An HTTP client that resolves the host name again could get another answer than the check did (DNS rebinding
between check and connect), so the connection goes to ``Target.addresses`` directly: the ``Host`` header, TLS
server name and certificate check still use the registered host name. Redirects are never followed and no error
text that names addresses or ports reaches the deliveries view (it would make it a port scanner).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import certifi
import urllib3
from urllib3.exceptions import HTTPError, NewConnectionError, SSLError, TimeoutError

from moderation.webhooks.targets import Target

#: Certificates receivers are checked against; tests point it at their own authority.
CA_BUNDLE = certifi.where()
EXCERPT_BYTES = 500


@dataclass(frozen=True)
class HttpResult:
    status_code: int | None
    error: str | None
    excerpt: str | None
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


Sender = Callable[[Target, bytes, dict[str, str], float], HttpResult]


def http_send(target: Target, body: bytes, headers: dict[str, str], timeout: float) -> HttpResult:
    """POST ``body`` to the first of the target's checked addresses that accepts a connection."""
    started = time.perf_counter()
    parts = urlsplit(target.url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {**headers, "Host": parts.netloc.rpartition("@")[2]}
    for address in target.addresses:
        pool = _pool(parts.scheme, address, target, timeout)
        try:
            response = pool.urlopen(
                "POST", path, body=body, headers=headers, redirect=False, retries=False, preload_content=False
            )
        except NewConnectionError:  # refused or unreachable (a subclass of TimeoutError in urllib3): next address
            continue
        except TimeoutError:
            return HttpResult(None, "timed out", None, _ms_since(started))
        except SSLError:
            return HttpResult(None, "TLS certificate or handshake refused", None, _ms_since(started))
        except HTTPError:  # the request may have gone out: not sent again to another address in this attempt
            return HttpResult(None, "connection failed", None, _ms_since(started))
        finally:
            pool.close()
        excerpt = response.read(EXCERPT_BYTES, decode_content=True).decode("utf-8", "replace")
        response.release_conn()
        error = None if 200 <= response.status < 300 else f"HTTP {response.status}"
        return HttpResult(response.status, error, excerpt, _ms_since(started))
    return HttpResult(None, "could not connect", None, _ms_since(started))


def _pool(scheme: str, address: str, target: Target, timeout: float) -> urllib3.HTTPConnectionPool:
    timeouts = urllib3.Timeout(connect=timeout, read=timeout)
    if scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address,
            target.port,
            timeout=timeouts,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
            ca_certs=CA_BUNDLE,
        )
    return urllib3.HTTPConnectionPool(address, target.port, timeout=timeouts)


def _ms_since(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
