"""A loopback HTTP server that plays well-behaved and hostile feed hosts.

Used by the tests (pyproject's pytest ``pythonpath`` puts tests/ on the path) and by the
benchmarks (which put tests/ on ``sys.path`` and ``from feedserver import FeedServer``).
One concern, a fake feed host, kept in one module past 500 lines: most of its length is
the catalogue of hostile behaviours, each a few lines, read side by side.

It binds to 127.0.0.1 only, serves each connection on its own daemon thread (hundreds of
concurrent connections are fine), and ``stop()`` returns promptly even while handlers
are stalling or trickling.

Usage::

    server = FeedServer().start()          # or: with FeedServer() as server: ...
    server.add("/feed.xml", b"<rss/>", etag='"v1"', delay=0.25)
    server.add_behaviour("/bomb", "gzip_bomb", size=10 * 1024**3)
    url = server.url("/feed.xml")           # "http://127.0.0.1:PORT/feed.xml"
    ...
    server.hits("/feed.xml")                # requests received for that path
    server.requests("/feed.xml")            # their headers, one dict each, lower-case keys
    server.max_in_flight                    # most requests handled at once (all paths)
    server.stop()

Plain routes: ``add(path, body, *, status=200, headers=None, delay=0.0, etag=None,
last_modified=None, encoding=None, content_type="application/rss+xml; charset=utf-8")``.
``delay`` is slept before answering. With ``etag`` / ``last_modified`` the route sends
those validators and answers 304 to a matching If-None-Match / If-Modified-Since.
``encoding`` ("gzip", "deflate" for zlib-wrapped, "rawdeflate") compresses the body and
sets Content-Encoding.

Behaviours: ``add_behaviour(path, kind, **opts)``; the kinds and their options:

``stall``          headers (Content-Length: ``length``, default 100000), then ``prefix``
                   bytes (default none), then silence for ``seconds`` (default 300).
``trickle``        headers (Content-Length: ``length``, default ``count`` or 4096), then
                   one byte every ``interval`` seconds (default 1.0), ``count`` bytes in
                   all (default: until the client gives up).
``redirect_loop``  always redirects (``status``, default 302) back to the same path.
``redirect_chain`` ``hops`` redirects (path?hop=1, ?hop=2, ...) then 200 with ``body``;
                   ``absolute=True`` sends absolute Location URLs.
``gzip_bomb``      ``size`` zero bytes (default 10 GiB) compressed on the fly, so a few
                   MB on the wire; ``encoding`` "gzip" (default), "deflate", "rawdeflate".
``huge``           ``size`` bytes (default 64 MiB; or ``size_mb``) of filler, streamed.
``status``         answers ``code`` (default 503) with ``body`` and, if given,
                   ``retry_after`` (number or HTTP-date string) as Retry-After.
``random_bytes``   ``size`` random bytes (default 4096, seeded by ``seed``).
``empty``          200 with an empty body.
``drop``           closes the connection without sending anything.
``garbage``        sends bytes that are not HTTP at all, then closes.

Streamed kinds (``stall``, ``trickle``, ``gzip_bomb``, ``huge``, ``random_bytes``) take
``transfer``: "length" (send Content-Length), "close" (no length, close at the end) or
"chunked". The defaults are "close" for gzip_bomb and "length" for the others. All kinds
take ``headers`` (extra response headers).
"""

from __future__ import annotations

import email.utils
import gzip
import random
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = ["FeedServer", "RequestRecord"]

_STEP = 64 * 1024


@dataclass
class RequestRecord:
    """One request as the server saw it."""

    path: str
    query: str
    headers: dict[str, str]
    started: float  # time.monotonic() when handling began
    finished: float | None = None  # time.monotonic() when handling ended


@dataclass
class _Route:
    kind: str
    opts: dict[str, Any] = field(default_factory=dict)


class FeedServer:
    """Threaded loopback HTTP server with scripted routes (see the module docstring)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        if host not in ("127.0.0.1", "localhost"):
            raise ValueError("FeedServer serves loopback only")
        self._address = ("127.0.0.1", port)
        self._routes: dict[str, _Route] = {}
        self._lock = threading.Lock()
        self._log: list[RequestRecord] = []
        self._in_flight = 0
        self._max_in_flight = 0
        self._connections: set[socket.socket] = set()
        self._stopping = threading.Event()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---------------------------------------------------------------

    def start(self) -> FeedServer:
        if self._httpd is not None:
            raise RuntimeError("FeedServer already started")
        self._stopping.clear()
        httpd = _Server(self._address, _Handler)
        httpd.owner = self
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"FeedServer:{httpd.server_address[1]}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, wake stalled handlers and close open connections."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stopping.set()
        httpd.shutdown()
        httpd.server_close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("FeedServer not started")
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        if not path.startswith("/"):
            path = "/" + path
        return self.base_url + path

    # --- routes ------------------------------------------------------------------

    def add(
        self,
        path: str,
        body: bytes,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
        etag: str | None = None,
        last_modified: str | None = None,
        encoding: str | None = None,
        content_type: str = "application/rss+xml; charset=utf-8",
    ) -> str:
        """Serve ``body`` at ``path``; returns the route's URL."""
        extra = {"Content-Type": content_type, **(headers or {})}
        if encoding is not None:
            body = _compress(body, encoding)
            extra["Content-Encoding"] = "deflate" if encoding == "rawdeflate" else encoding
        self._routes[path] = _Route(
            "static",
            {
                "body": body,
                "status": status,
                "headers": extra,
                "delay": delay,
                "etag": etag,
                "last_modified": last_modified,
            },
        )
        return self.url(path)

    def add_behaviour(self, path: str, kind: str, **opts: Any) -> str:
        """Make ``path`` behave as ``kind`` (see the module docstring); returns its URL."""
        if kind not in _BEHAVIOURS:
            raise ValueError(f"unknown behaviour {kind!r}; known: {sorted(_BEHAVIOURS)}")
        self._routes[path] = _Route(kind, dict(opts))
        return self.url(path)

    # --- what was seen -------------------------------------------------------------

    def hits(self, path: str) -> int:
        with self._lock:
            return sum(1 for record in self._log if record.path == path)

    def requests(self, path: str) -> list[dict[str, str]]:
        """Request headers (lower-case keys) of every request to ``path``, in order."""
        with self._lock:
            return [dict(record.headers) for record in self._log if record.path == path]

    @property
    def log(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._log)

    @property
    def in_flight(self) -> int:
        with self._lock:
            return self._in_flight

    @property
    def max_in_flight(self) -> int:
        with self._lock:
            return self._max_in_flight

    def reset_stats(self) -> None:
        with self._lock:
            self._log.clear()
            self._max_in_flight = self._in_flight

    # --- used by the handler -------------------------------------------------------

    def _begin(self, path: str, query: str, headers: dict[str, str]) -> RequestRecord:
        record = RequestRecord(path, query, headers, time.monotonic())
        with self._lock:
            self._log.append(record)
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)
        return record

    def _end(self, record: RequestRecord) -> None:
        with self._lock:
            record.finished = time.monotonic()
            self._in_flight -= 1

    def _wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; True if the server is stopping."""
        return self._stopping.wait(seconds) if seconds > 0 else self._stopping.is_set()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 1024
    owner: FeedServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up mid-response are the point of many tests; stay quiet.
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 30  # socket timeout, so an idle keep-alive thread ends on its own
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; do not let Nagle delay the second.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.server.owner._lock:
            self.server.owner._connections.add(self.connection)

    def finish(self) -> None:
        with self.server.owner._lock:
            self.server.owner._connections.discard(self.connection)
        try:
            super().finish()
        except OSError:
            pass

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        owner = self.server.owner
        split = urlsplit(self.path)
        headers = {key.lower(): value for key, value in self.headers.items()}
        record = owner._begin(split.path, split.query, headers)
        try:
            route = owner._routes.get(split.path)
            if route is None:
                self.reply(404, b"no such route\n", {"Content-Type": "text/plain"})
            else:
                _BEHAVIOURS[route.kind](self, route.opts, parse_qs(split.query))
        except OSError:  # the client went away (broken pipe, reset, timeout)
            self.close_connection = True
        finally:
            owner._end(record)

    # --- response helpers ----------------------------------------------------------

    def head(self, status: int, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if headers.get("Connection", "").lower() == "close":
            self.close_connection = True

    def reply(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.head(status, {**(headers or {}), "Content-Length": str(len(body))})
        if body:
            self.wfile.write(body)

    def stream(
        self,
        status: int,
        headers: dict[str, str],
        pieces: Iterable[bytes],
        *,
        transfer: str,
        length: int | None = None,
    ) -> None:
        """Send a body piece by piece with the chosen framing."""
        headers = dict(headers)
        if transfer == "length":
            if length is None:
                raise ValueError("transfer='length' needs a length")
            headers["Content-Length"] = str(length)
        elif transfer == "chunked":
            headers["Transfer-Encoding"] = "chunked"
        elif transfer == "close":
            headers["Connection"] = "close"
        else:
            raise ValueError(f"unknown transfer {transfer!r}")
        self.head(status, headers)
        stopping = self.server.owner._stopping
        for piece in pieces:
            if stopping.is_set():
                self.close_connection = True
                return
            if not piece:
                continue
            if transfer == "chunked":
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            else:
                self.wfile.write(piece)
        if transfer == "chunked":
            self.wfile.write(b"0\r\n\r\n")


# --- behaviours -------------------------------------------------------------------

_Behaviour = Callable[[_Handler, dict[str, Any], dict[str, list[str]]], None]


def _static(h: _Handler, o: dict[str, Any], query: dict[str, list[str]]) -> None:
    owner = h.server.owner
    if owner._wait(o["delay"]):
        h.close_connection = True
        return
    headers = dict(o["headers"])
    etag, last_modified = o["etag"], o["last_modified"]
    if etag:
        headers["ETag"] = etag
    if last_modified:
        headers["Last-Modified"] = last_modified
    if o["status"] == 200 and _not_modified(h, etag, last_modified):
        validators = {k: v for k, v in headers.items() if k in ("ETag", "Last-Modified")}
        h.head(304, validators)
        return
    h.reply(o["status"], o["body"], headers)


def _not_modified(h: _Handler, etag: str | None, last_modified: str | None) -> bool:
    if_none_match = h.headers.get("If-None-Match")
    if if_none_match is not None:
        if not etag:
            return False
        wanted = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in wanted or etag.removeprefix("W/") in wanted
    if_modified_since = h.headers.get("If-Modified-Since")
    if if_modified_since and last_modified:
        try:
            since = email.utils.parsedate_to_datetime(if_modified_since)
            changed = email.utils.parsedate_to_datetime(last_modified)
        except (TypeError, ValueError):
            return False
        return changed <= since
    return False


def _stall(h: _Handler, o: dict[str, Any], query: dict[str, list[str]]) -> None:
    prefix: bytes = o.get("prefix", b"")
    length = o.get("length", 100_000)
    headers = {"Content-Type": "application/rss+xml", **o.get("headers", {})}
    if o.get("transfer", "length") == "length":
        headers["Content-Length"] = str(length)
    else:
        headers["Connection"] = "close"
    h.head(200, headers)
    if prefix:
        h.wfile.write(prefix)
    h.server.owner._wait(o.get("seconds", 300.0))
    h.close_connection = True


def _trickle(h: _Handler, o: dict[str, Any], query: dict[str, list[str]]) -> None:
    owner = h.server.owner
    interval = o.get("interval", 1.0)
    count = o.get("count")

    def pieces() -> Iterator[bytes]:
        sent = 0
        while count is None or sent < count:
            yield b"<"
            sent += 1
            if owner._wait(interval):
                return

    length = o.get("length", count if count is not None else 4096)
    h.stream(
        200,
        {"Content-Type": "application/rss+xml", **o.get("headers", {})},
        pieces(),
        transfer=o.get("transfer", "length"),
        length=length,
    )
    h.close_connection = True


def _redirect_loop(h: _Handler, o: dict[str, Any], query: dict[str, list[str]]) -> None:
    path = urlsplit(h.path).path
    h.reply(o.get("status", 302), b"", {"Location": path, **o.get("headers", {})})


def _redirect_chain(h: _Handler, o: dict[str, Any], query: dict[str, list[str]]) -> None:
    hops = o.get("hops", 3)
    hop = int(query.get("hop", ["0"])[0])
    if hop >= hops:
        body = o.get("body", b"<rss version='2.0'><channel/></rss>")
        h.reply(200, body, {"Content-Type": "application/rss+xml", **o.get("headers", {})})
        return
    location = f"{urlsplit(h.path).path}?hop={hop + 1}"
    if o.get("absolute"):
        location = h.server.owner.base_url + location
    h.reply(o.get("status", 302), b"", {"Location": location})


def _gzip_bomb(h: _Handler, o: dict[str, Any], query: dict[str, list[str]]) -> None:
    size = o.get("size", 10 * 1024**3)
    encoding = o.get("encoding", "gzip")
    body = _zero_bomb(size, encoding)
    headers = {
        "Content-Type": "application/rss+xml",
        "Content-Encoding": "deflate" if encoding == "rawdeflate" else encoding,
        **o.get("headers", {}),
    }
    transfer = o.get("transfer", "close")
    if transfer == "length":
        # The compressed size is only known by generating it once.
        length = sum(len(piece) for piece in _zero_bomb(size, encoding, checksum=False))
        h.stream(200, headers, body, transfer="length", length=length)
    else:
        h.stream(200, headers, body, transfer=transfer)
    h.close_connection = True


def _huge(h: _Handler, o: dict[str, Any], query: dict[str, list[str]]) -> None:
    size = o.get("size", o.get("size_mb", 64) * 1024 * 1024)
    filler = (b"<item>filler</item>\n" * (_STEP // 20 + 1))[:_STEP]

    def pieces() -> Iterator[bytes]:
        left = size
        while left > 0:
            yield filler[: min(left, _STEP)]
            left -= _STEP

    h.stream(
        200,
        {"Content-Type": "application/rss+xml", **o.get("headers", {})},
        pieces(),
        transfer=o.get("transfer", "length"),
        length=size,
    )


def _status(h: _Handler, o: dict[str, Any], query: dict[str, list[str]]) -> None:
    headers = {"Content-Type": "text/plain", **o.get("headers", {})}
    if o.get("retry_after") is not None:
        headers["Retry-After"] = str(o["retry_after"])
    h.reply(o.get("code", 503), o.get("body", b"unavailable\n"), headers)


def _random_bytes(h: _Handler, o: dict[str, Any], query: dict[str, list[str]]) -> None:
    size = o.get("size", 4096)
    data = random.Random(o.get("seed", 0)).randbytes(size)
    pieces = (data[i : i + _STEP] for i in range(0, size, _STEP))
    headers = {"Content-Type": "application/octet-stream", **o.get("headers", {})}
    h.stream(200, headers, pieces, transfer=o.get("transfer", "length"), length=size)


def _empty(h: _Handler, o: dict[str, Any], query: dict[str, list[str]]) -> None:
    h.reply(o.get("status", 200), b"", {"Content-Type": "application/rss+xml"})


def _drop(h: _Handler, o: dict[str, Any], query: dict[str, list[str]]) -> None:
    h.close_connection = True
    try:
        h.connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _garbage(h: _Handler, o: dict[str, Any], query: dict[str, list[str]]) -> None:
    h.wfile.write(o.get("data", b"\x00\x01 this is not HTTP \xff\r\n\r\n"))
    h.close_connection = True


_BEHAVIOURS: dict[str, _Behaviour] = {
    "static": _static,
    "stall": _stall,
    "trickle": _trickle,
    "redirect_loop": _redirect_loop,
    "redirect_chain": _redirect_chain,
    "gzip_bomb": _gzip_bomb,
    "huge": _huge,
    "status": _status,
    "random_bytes": _random_bytes,
    "empty": _empty,
    "drop": _drop,
    "garbage": _garbage,
}


# --- compression helpers -------------------------------------------------------------


def _compress(body: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.compress(body)
    if encoding == "deflate":
        return zlib.compress(body)
    if encoding == "rawdeflate":
        packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        return packer.compress(body) + packer.flush()
    raise ValueError(f"unknown encoding {encoding!r}")


_BOMB_BLOCK = 1024 * 1024  # zeros per independently compressed block


def _deflated_zeros(count: int) -> bytes:
    """Raw deflate of ``count`` zeros, ending on a byte boundary with a clean history.

    A full flush resets the compressor's history, so blocks compressed this way can be
    repeated back to back and still form a valid stream.
    """
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(bytes(count)) + packer.flush(zlib.Z_FULL_FLUSH)


def _zero_bomb(size: int, encoding: str, checksum: bool = True) -> Iterator[bytes]:
    """Stream a compressed body that inflates to ``size`` zeros, without holding them."""
    if encoding not in ("gzip", "deflate", "rawdeflate"):
        raise ValueError(f"unknown encoding {encoding!r}")
    if encoding == "gzip":
        yield b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    elif encoding == "deflate":
        yield b"\x78\xda"
    block = _deflated_zeros(_BOMB_BLOCK)
    full_blocks, rest = divmod(size, _BOMB_BLOCK)
    per_write = max(1, _STEP // len(block))
    left = full_blocks
    while left:
        batch = min(per_write, left)
        yield block * batch
        left -= batch
    if rest:
        yield _deflated_zeros(rest)
    yield b"\x03\x00"  # an empty final block ends the deflate stream
    if encoding == "rawdeflate":
        return
    # Trailer checksums are only computed if a client reads this far.
    crc, adler = 0, 1
    if checksum:
        zeros = bytes(_BOMB_BLOCK)
        for _ in range(full_blocks):
            if encoding == "gzip":
                crc = zlib.crc32(zeros, crc)
            else:
                adler = zlib.adler32(zeros, adler)
        if encoding == "gzip":
            crc = zlib.crc32(bytes(rest), crc)
        else:
            adler = zlib.adler32(bytes(rest), adler)
    if encoding == "gzip":
        yield crc.to_bytes(4, "little") + (size & 0xFFFFFFFF).to_bytes(4, "little")
    else:
        yield adler.to_bytes(4, "big")
