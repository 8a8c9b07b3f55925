"""Which addresses the refresh job may connect to, enforced where the socket is opened.

Feeds are untrusted, and so are the article links and redirects they lead to. Without
a rule, a feed could make the job fetch cloud metadata (169.254.169.254), a database
port on localhost or an intranet page, and the dashboard would then show that page as
an article. Checking URLs as text cannot work: ``127.1``, ``0x7f000001`` and
``2130706433`` are all 127.0.0.1 to the resolver, a public host may redirect to a
private one, and any DNS name may resolve to a private address.

So the check runs at the last possible moment: in the httpcore network backend, the
layer that turns a host name into a socket. Each host is resolved there once, every
address it resolves to is checked, and the socket is opened to a checked address given
as a literal, so nothing can resolve differently between the check and the connection.
Every hop of every redirect opens its connection through the same backend, and so does
every request the :class:`feeds.ingest.fetch.Fetcher` makes (feeds, article pages, backfill).

Refused: loopback, private, link-local, multicast, unspecified, reserved and other
non-public ranges (shared address space, documentation, benchmarking...), in IPv4 and
IPv6, IPv4 addresses embedded in IPv6 (mapped, 6to4, Teredo) judged as the IPv4 address
they carry. An operator allows private networks by listing them (``allow_private`` in
the feeds file, ``CAMBODIA_RISK_ALLOW_PRIVATE``); nothing is allowed by default.

``localhost`` and ``*.localhost`` names are loopback by definition (RFC 6761): they are
answered here without asking DNS, so they are refused like 127.0.0.1 whatever the
system's resolver would say.

Proxies from the environment (``HTTP_PROXY``...) are not used: a proxy would resolve
and connect on the job's behalf, out of this check's sight.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Iterable

import anyio
import httpcore
import httpx

from feeds.config import Network

__all__ = ["AddressPolicy", "AddressRefused", "guarded_backend", "guarded_transport",
           "is_refusal", "refusal_in"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

REFUSED = "refused:"  # how every refusal message starts

# RFC 6761: these names mean this machine, whatever DNS says.
_LOCALHOST_ADDRESSES = ("127.0.0.1", "::1")


class AddressRefused(httpcore.ConnectError):
    """A connection the policy refused; the message says why, in plain words."""


class AddressPolicy:
    """Refuses every non-public address outside the allowed networks."""

    def __init__(self, allow: Iterable[Network] = ()) -> None:
        self.allow = tuple(allow)

    def refusal(self, address: IPAddress) -> str | None:
        """Why ``address`` may not be connected to, or None when it may."""
        if any(address in net for net in self.allow):
            return None
        judged = _embedded_ipv4(address) or address
        if judged is not address and any(judged in net for net in self.allow):
            return None
        kind = _kind(judged)
        if kind is None:
            return None
        article = "an" if kind[0] in "aeiou" else "a"
        shown = str(address) if judged is address else f"{address} ({judged})"
        return f"{REFUSED} resolves to {article} {kind} address {shown}"


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries and is delivered to, if any."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]  # (server, client): packets go to the client
    return None


def _kind(address: IPAddress) -> str | None:
    """The plain-words name of a non-public address's range; None for public ones."""
    if address.is_unspecified:
        return "unspecified"
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local"
    if address.is_multicast:
        return "multicast"
    if address.is_reserved:
        return "reserved"
    if address.is_private:
        return "private"
    if not address.is_global:
        return "non-public"  # shared address space (100.64.0.0/10) and the like
    return None


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """The default network backend, connecting only to addresses the policy allows."""

    def __init__(self, policy: AddressPolicy, inner: httpcore.AsyncNetworkBackend) -> None:
        self._policy = policy
        self._inner = inner

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None, socket_options=None
                          ) -> httpcore.AsyncNetworkStream:
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            with anyio.fail_after(timeout):
                addresses = await _resolve(host, port)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"timed out resolving {host}") from None
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        allowed = []
        refusals = []
        for address in addresses:
            reason = self._policy.refusal(address)
            (refusals if reason else allowed).append(reason or address)
        if not allowed:
            raise AddressRefused(refusals[0] if refusals else f"{host} has no address")
        failure: Exception | None = None
        for address in allowed:  # in the resolver's order of preference
            left = None if deadline is None else max(deadline - time.monotonic(), 0.0)
            try:
                return await self._inner.connect_tcp(
                    str(address), port, timeout=left, local_address=local_address,
                    socket_options=socket_options)
            except httpcore.ConnectTimeout:
                raise
            except httpcore.ConnectError as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options=None) -> httpcore.AsyncNetworkStream:
        raise AddressRefused(f"{REFUSED} Unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


async def _resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` stands for, in the resolver's order, without repeats."""
    name = host.strip("[]").rstrip(".").lower()
    try:
        return [ipaddress.ip_address(name)]  # the common literal forms need no resolver
    except ValueError:
        pass
    if name == "localhost" or name.endswith(".localhost"):
        return [ipaddress.ip_address(a) for a in _LOCALHOST_ADDRESSES]
    # The system resolver also reads what ipaddress does not (127.1, 0x7f000001).
    infos = await anyio.getaddrinfo(name, port, type=socket.SOCK_STREAM)
    found: dict[IPAddress, None] = {}
    for _family, _type, _proto, _canon, sockaddr in infos:
        found[ipaddress.ip_address(str(sockaddr[0]).split("%")[0])] = None
    return list(found)


class _GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport, over a connection pool that uses the guarded backend.

    httpx (0.28) has no public way to hand its transport a network backend, so the
    pool it built is replaced by one built the same way with ours. A test fetches a
    refused address through :class:`feeds.ingest.fetch.Fetcher`, so an httpx release that
    changed this would fail the tests, not quietly drop the check.
    """

    def __init__(self, policy: AddressPolicy, limits: httpx.Limits) -> None:
        super().__init__(limits=limits, trust_env=False)
        ssl_context = httpx.create_ssl_context()
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=guarded_backend(policy.allow),
        )


def guarded_backend(allow: Iterable[Network]) -> httpcore.AsyncNetworkBackend:
    """httpcore's default network backend behind :class:`AddressPolicy`."""
    return _GuardedBackend(AddressPolicy(allow), httpcore.AnyIOBackend())


def guarded_transport(allow: Iterable[Network], limits: httpx.Limits
                      ) -> httpx.AsyncBaseTransport:
    """An httpx transport that connects only where :class:`AddressPolicy` allows."""
    return _GuardedTransport(AddressPolicy(allow), limits)


def is_refusal(error: str | None) -> bool:
    """Whether a fetch error is this policy's refusal (rather than the site's fault)."""
    return bool(error) and error.startswith(REFUSED)


def refusal_in(exc: BaseException) -> str | None:
    """The policy's refusal behind an httpx error, if that is what it was."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, AddressRefused):
            return str(current)
        current = current.__cause__ or current.__context__
    return None
