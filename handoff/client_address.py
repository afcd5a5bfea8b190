"""The address a console request came from, for the login throttle.

Behind HAProxy (the cluster profile) every request comes from the proxy, so one attacker would lock out
every agent, or an attacker's failures would be spread over nobody. HAProxy appends the client's address to
`X-Forwarded-For` (`option forwardfor`). That header is believed only when the request came from a proxy
listed in `HANDOFF_TRUSTED_PROXIES` (addresses or networks, comma-separated; none by default), and then only
its entries added by trusted proxies: reading from the right, the first address that is not a trusted proxy
is the client. Anything a client wrote into the header itself is further left and ignored."""

from __future__ import annotations

import ipaddress
import logging
import os

from aiohttp import web

log = logging.getLogger(__name__)
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
ENV = "HANDOFF_TRUSTED_PROXIES"


def trusted_proxies(raw: str | None = None) -> tuple[Network, ...]:
    """The networks of $HANDOFF_TRUSTED_PROXIES; an entry that is not an address or network is skipped."""
    found = []
    for entry in (os.environ.get(ENV, "") if raw is None else raw).split(","):
        if not entry.strip():
            continue
        try:
            found.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            log.warning("%s: %r is not an address or network; ignored", ENV, entry.strip())
    return tuple(found)


def _is_trusted(address: str, proxies: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(peer: str | None, forwarded_for: str | None, proxies: tuple[Network, ...]) -> str:
    """The client's address given the connection's peer and its X-Forwarded-For header."""
    address = peer or "?"
    if not forwarded_for or not _is_trusted(address, proxies):
        return address
    for hop in reversed([h.strip() for h in forwarded_for.split(",")]):
        try:
            hop = str(ipaddress.ip_address(hop))
        except ValueError:
            return address  # a garbled hop: never guess past it
        if not _is_trusted(hop, proxies):
            return hop
        address = hop
    return address


def request_client(request: web.Request) -> str:
    return client_address(request.remote, request.headers.get("X-Forwarded-For"), trusted_proxies())
