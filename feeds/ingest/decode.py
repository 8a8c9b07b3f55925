"""Bounded decompression of response bodies.

Bodies are decompressed here, in steps of at most :data:`INFLATE_STEP` bytes, instead of
by a decoder that can turn one network chunk into an unbounded amount of memory: a few
bytes of gzip on the wire may stand for gigabytes.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

from feeds.ingest.fetch_errors import Refused, too_large_message

# Largest piece one decompression step may produce, so memory stays near max_bytes even
# when a few bytes on the wire stand for gigabytes.
INFLATE_STEP = 64 * 1024
# Input kept while a body labelled as compressed has produced no output yet, so that a
# plain body wrongly labelled gzip/deflate can still be passed through unchanged.
REPLAY_LIMIT = 64 * 1024
# Stacked codings ("gzip, gzip") are legal but rare; more than this is refused.
MAX_CODINGS = 2


def content_codings(header: str) -> list[str]:
    """The codings of Content-Encoding in the order they were applied, identity dropped."""
    codings = []
    for token in header.split(","):
        name = token.strip().lower()
        if name in ("", "identity"):
            continue
        if name == "x-gzip":
            name = "gzip"
        if name not in ("gzip", "deflate"):
            raise Refused(f"unsupported content encoding {name[:40]!r}")
        codings.append(name)
    if len(codings) > MAX_CODINGS:
        raise Refused(f"too many content encodings ({header.strip()[:80]!r})")
    return codings


class Inflater:
    """One gzip or deflate stage that never returns more than INFLATE_STEP bytes at once.

    The format is sniffed from the first two bytes rather than trusted from the label:
    gzip magic means gzip; a zlib header means zlib-wrapped deflate; anything else under
    "deflate" is tried as raw deflate. A body labelled gzip that has neither header, or
    that fails to decompress before producing any output, is passed through as it is
    (servers sometimes label plain bodies as compressed). Once real output has come out,
    corrupt data is an error.
    """

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self._head = b""  # first bytes, held until there are enough to sniff
        self._obj: zlib._Decompress | None = None
        self._wbits = 0
        self._plain = False
        self._produced = False
        self._replay: list[bytes] | None = None
        self._replay_size = 0

    def push(self, data: bytes) -> Iterator[bytes]:
        if self._plain:
            if data:
                yield data
            return
        if self._obj is None:
            self._head += data
            if len(self._head) < 2:
                return
            data, self._head = self._head, b""
            self._start(data)
            if self._plain:
                yield data
                return
        yield from self._inflate(data)

    def finish(self) -> Iterator[bytes]:
        if self._obj is None and not self._plain:
            # Zero or one byte arrived: that is no compressed stream; pass it on.
            if self._head:
                yield self._head
            return
        if self._plain:
            return
        yield from self._inflate(b"")
        assert self._obj is not None
        if not self._obj.eof:
            if self._replay is not None:
                yield from self._fall_back()
                return
            raise Refused(f"the {self.coding} body ended early (truncated or corrupt data)")

    def _start(self, head: bytes) -> None:
        first, second = head[0], head[1]
        looks_zlib = first & 0x0F == 8 and first >> 4 <= 7 and ((first << 8) | second) % 31 == 0
        if head[:2] == b"\x1f\x8b":
            self._wbits = 16 + zlib.MAX_WBITS  # gzip: a bad body after this is an error
        elif looks_zlib:
            self._wbits = zlib.MAX_WBITS  # zlib-wrapped; the header test has false hits
            self._replay = []
        elif self.coding == "deflate":
            self._wbits = -zlib.MAX_WBITS  # raw deflate, as some servers send
            self._replay = []
        else:
            self._plain = True  # labelled gzip, but not compressed at all
            return
        self._obj = zlib.decompressobj(self._wbits)

    def _inflate(self, data: bytes) -> Iterator[bytes]:
        assert self._obj is not None
        if self._replay is not None and data:
            self._replay.append(data)
            self._replay_size += len(data)
            if self._replay_size > REPLAY_LIMIT:
                self._replay = None
        full = True  # the last step filled its quota, so zlib may hold more output
        while data or (full and not self._obj.eof):
            if self._obj.eof:
                if self._wbits == 16 + zlib.MAX_WBITS and data[:1] == b"\x1f":
                    # Another gzip member follows (concatenated gzip is legal).
                    self._obj = zlib.decompressobj(self._wbits)
                    continue
                return  # bytes after the end of the stream are ignored
            try:
                out = self._obj.decompress(data, INFLATE_STEP)
            except zlib.error as exc:
                if self._replay is not None:
                    yield from self._fall_back()
                    return
                raise Refused(f"could not decompress the {self.coding} body ({exc})") from None
            data = self._obj.unused_data if self._obj.eof else self._obj.unconsumed_tail
            full = len(out) == INFLATE_STEP
            if out:
                self._produced = True
                self._replay = None
                yield out

    def _fall_back(self) -> Iterator[bytes]:
        """The body was not compressed after all: pass everything seen so far through."""
        replay, self._replay = self._replay or [], None
        self._plain = True
        self._obj = None
        yield from replay


class BodyDecoder:
    """Runs raw body bytes through the decompression stages into a capped buffer."""

    def __init__(self, codings: list[str], max_bytes: int) -> None:
        # Codings are listed in the order they were applied, so undo them in reverse.
        self._stages = [Inflater(coding) for coding in reversed(codings)]
        self._max_bytes = max_bytes
        self._buffer = bytearray()

    def feed(self, data: bytes) -> None:
        self._pass(0, data)

    def finish(self) -> bytes:
        for index, stage in enumerate(self._stages):
            for piece in stage.finish():
                self._pass(index + 1, piece)
        return bytes(self._buffer)

    def _pass(self, index: int, data: bytes) -> None:
        if index == len(self._stages):
            if len(self._buffer) + len(data) > self._max_bytes:
                self._buffer = bytearray()
                raise Refused(too_large_message(self._max_bytes))
            self._buffer += data
            return
        for piece in self._stages[index].push(data):
            self._pass(index + 1, piece)
