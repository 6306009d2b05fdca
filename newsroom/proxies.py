"""Proxy headers are believed only from the proxies we run (the TRUSTED_PROXIES setting).

Django reads ``X-Forwarded-Proto`` through SECURE_PROXY_SSL_HEADER whoever sent it, and a
client could claim HTTPS (and so get HSTS and secure-only answers over plain HTTP) or, with
``X-Forwarded-For``, any address it likes. This middleware runs first: from a trusted proxy
it takes the client's address from ``X-Forwarded-For`` (the nearest address that is not one
of our proxies) into REMOTE_ADDR; from anyone else it removes every forwarding header, so
nothing later, Django's own security middleware included, can be misled by them.
"""

import functools
import ipaddress

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

FORWARDING_HEADERS = (
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
)


@functools.lru_cache(maxsize=8)
def trusted_networks(entries):
    """The networks of TRUSTED_PROXIES entries ('127.0.0.1', '10.0.0.0/8', '::1')."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {entry!r} is not an IP address or network."
            ) from error
    return tuple(networks)


def _address(value):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


@functools.lru_cache(maxsize=1024)  # bounded: one entry per client address seen lately
def is_trusted(value, networks):
    if not value:
        return True  # a Unix socket (gunicorn --bind unix:...): only this machine can connect
    address = _address(value)
    return address is not None and any(address in network for network in networks)


def forwarded_client(header, networks):
    """The client's address in an X-Forwarded-For chain: the rightmost one that is not a
    trusted proxy (addresses to its left were written by the client and prove nothing)."""
    hops = [hop.strip() for hop in header.split(",") if hop.strip()]
    for hop in reversed(hops):
        if _address(hop) is None:
            return None
        if not is_trusted(hop, networks):
            return hop
    return hops[0] if hops else None


def apply_trusted_proxies(meta):
    """Rewrite a request's ``META`` (its WSGI environ) as the proxy rules say: from a trusted
    proxy, the client's address into REMOTE_ADDR; from anyone else, no forwarding headers."""
    networks = trusted_networks(tuple(settings.TRUSTED_PROXIES))
    if is_trusted(meta.get("REMOTE_ADDR"), networks):
        client = forwarded_client(meta.get("HTTP_X_FORWARDED_FOR", ""), networks)
        if client:
            meta["REMOTE_ADDR"] = client
    else:
        for header in FORWARDING_HEADERS:
            meta.pop(header, None)


class TrustedProxyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        apply_trusted_proxies(request.META)
        return self.get_response(request)
