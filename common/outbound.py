"""Which addresses the server may fetch from on someone's behalf (importing a feed by its URL).

A URL typed into an import can point at the newsroom's own network: the database, Redis, the cloud's
metadata service (169.254.169.254), an admin interface on loopback. Loopback, private, link-local,
shared, multicast, reserved and unspecified addresses are refused unless listed in
``OUTBOUND_ALLOWED_NETWORKS``. The check is made on the address actually connected to, after the
connection is open, so a name that resolves to a public address for the check and to an internal one for
the request (DNS rebinding), and redirects to internal addresses, are refused too.
"""

import http.client
import ipaddress
import urllib.request

from django.conf import settings


class ForbiddenAddressError(OSError):
    """The address is on an internal network, which fetches from outside copy may not reach."""


def is_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip in ipaddress.ip_network(network, strict=False) for network in settings.OUTBOUND_ALLOWED_NETWORKS):
        return True
    return ip.is_global and not (ip.is_multicast or ip.is_reserved)


def _check_peer(connection: http.client.HTTPConnection) -> None:
    address = connection.sock.getpeername()[0]
    if not is_allowed(address):
        connection.close()
        raise ForbiddenAddressError(
            f"{connection.host} is on an internal network ({address}), which imports may not reach"
            " (OUTBOUND_ALLOWED_NETWORKS can allow it)"
        )


class _CheckedHTTPConnection(http.client.HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _check_peer(self)


class _CheckedHTTPSConnection(http.client.HTTPSConnection):
    def connect(self) -> None:
        super().connect()  # TCP, then TLS; nothing of the request is sent before the check
        _check_peer(self)


class _CheckedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_CheckedHTTPConnection, req)


class _CheckedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_CheckedHTTPSConnection, req, context=self._context)


def build_opener(*handlers) -> urllib.request.OpenerDirector:
    """``urllib.request.build_opener`` whose connections (redirects included) reach only allowed addresses.

    No proxy from the environment is used: the address checked must be the server's own.
    """
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({}), _CheckedHTTPHandler(), _CheckedHTTPSHandler(), *handlers
    )
