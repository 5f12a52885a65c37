"""A small RESP2/RESP3 client that keeps every reply exactly as it came off the wire.

redis-py turns replies into Python values through per-command callbacks, which hides the
differences a compatibility suite must see (+OK versus $2 OK, an error's prefix, RESP3 types).
This client keeps the type marker, the decoded value and the raw bytes of each reply, so the
differential suite can compare replies byte for byte and still print them readably.
"""

from __future__ import annotations

import socket
import time
from typing import Iterable, List, Optional, Sequence, Union

Arg = Union[bytes, str, int, float]

# Markers whose payload is a single line.
_LINE_TYPES = {b"+", b"-", b":", b",", b"#", b"(", b"_"}
# Markers whose payload is a length-prefixed blob.
_BLOB_TYPES = {b"$", b"!", b"="}
# Markers of aggregates: number of child replies per announced element.
_AGGREGATE_TYPES = {b"*": 1, b"~": 1, b">": 1, b"%": 2, b"|": 2}


class ConnectionClosed(Exception):
    """The peer closed the connection; `pending` holds bytes received but not parsed."""

    def __init__(self, pending: bytes):
        super().__init__(f"connection closed by peer (unparsed bytes: {pending!r})")
        self.pending = pending


class MalformedReply(Exception):
    """The server sent bytes that are not valid RESP."""


class Reply:
    """One reply: `kind` is the RESP type marker (a one-character str), `value` the decoded
    payload (bytes, int, None, or a list of Reply for aggregates), `raw` the exact bytes."""

    __slots__ = ("kind", "value", "raw")

    def __init__(self, kind: str, value, raw: bytes):
        self.kind = kind
        self.value = value
        self.raw = raw

    @property
    def is_error(self) -> bool:
        return self.kind in ("-", "!")

    @property
    def error_text(self) -> Optional[str]:
        if not self.is_error:
            return None
        return self.value.decode("utf-8", "backslashreplace")

    def __eq__(self, other) -> bool:
        return isinstance(other, Reply) and self.raw == other.raw

    def __hash__(self) -> int:
        return hash(self.raw)

    def __repr__(self) -> str:
        return describe(self)


def describe(reply: Reply, limit: int = 300) -> str:
    """A compact, readable rendering of a reply, e.g. `-ERR syntax error` or `*[$b'a', :1]`."""
    if isinstance(reply.value, list):
        inner = ", ".join(describe(r, limit) for r in reply.value)
        text = f"{reply.kind}[{inner}]"
    elif reply.value is None:
        text = f"{reply.kind}nil"
    elif reply.kind in ("-", "!", "+"):
        text = reply.kind + reply.value.decode("utf-8", "backslashreplace")
    elif isinstance(reply.value, bytes) and len(reply.value) > limit:
        text = f"{reply.kind}<{len(reply.value)} bytes: {reply.value[:40]!r}...>"
    else:
        text = f"{reply.kind}{reply.value!r}"
    return text


def to_bytes(arg: Arg) -> bytes:
    if isinstance(arg, bytes):
        return arg
    if isinstance(arg, str):
        return arg.encode("utf-8")
    if isinstance(arg, bool):
        raise TypeError("booleans are ambiguous as command arguments")
    if isinstance(arg, (int, float)):
        return repr(arg).encode("ascii")
    raise TypeError(f"cannot send {type(arg).__name__} as a command argument")


def encode_command(args: Sequence[Arg]) -> bytes:
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        data = to_bytes(arg)
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)


class RespConnection:
    """A blocking connection. `call` sends one command and reads one reply; `send_raw` and
    `read_reply` let a test write arbitrary bytes and pipeline."""

    def __init__(self, host: str, port: int, timeout: float = 15.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._buf = bytearray()
        self._pos = 0

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self) -> "RespConnection":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------
    def send_raw(self, data: bytes) -> None:
        self.sock.sendall(data)

    def send(self, *args: Arg) -> None:
        self.send_raw(encode_command(args))

    def send_many(self, commands: Iterable[Sequence[Arg]]) -> None:
        self.send_raw(b"".join(encode_command(c) for c in commands))

    # -- reading ---------------------------------------------------------------------------
    def call(self, *args: Arg) -> Reply:
        self.send(*args)
        return self.read_reply()

    def pipeline(self, commands: Sequence[Sequence[Arg]]) -> List[Reply]:
        self.send_many(commands)
        return [self.read_reply() for _ in commands]

    def read_reply(self) -> Reply:
        start = self._pos
        try:
            reply = self._parse()
        except BaseException:
            self._pos = start
            raise
        if self._pos > (1 << 20):
            del self._buf[: self._pos]
            self._pos = 0
        return reply

    def read_until_close(self, timeout: float = 10.0) -> tuple:
        """Reads everything until the peer closes. Returns (bytes, closed): closed is False when
        the deadline passed with the connection still open."""
        deadline = time.monotonic() + timeout
        data = bytearray(self._buf[self._pos :])
        self._buf.clear()
        self._pos = 0
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return bytes(data), False
            self.sock.settimeout(min(remaining, 1.0))
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            except (ConnectionResetError, BrokenPipeError):
                return bytes(data), True
            if not chunk:
                return bytes(data), True
            data += chunk

    def _fill(self) -> None:
        try:
            chunk = self.sock.recv(1 << 20)
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            raise ConnectionClosed(bytes(self._buf[self._pos :]))
        self._buf += chunk

    def _line(self) -> bytes:
        while True:
            idx = self._buf.find(b"\r\n", self._pos)
            if idx >= 0:
                line = bytes(self._buf[self._pos : idx])
                self._pos = idx + 2
                return line
            self._fill()

    def _blob(self, length: int) -> bytes:
        while len(self._buf) - self._pos < length + 2:
            self._fill()
        data = bytes(self._buf[self._pos : self._pos + length])
        if self._buf[self._pos + length : self._pos + length + 2] != b"\r\n":
            raise MalformedReply(f"blob of length {length} not followed by CRLF")
        self._pos += length + 2
        return data

    def _parse(self) -> Reply:
        start = self._pos
        line = self._line()
        if not line:
            raise MalformedReply("empty reply line")
        marker, payload = line[:1], line[1:]
        if marker in _LINE_TYPES:
            if marker == b":":
                value = int(payload)
            elif marker == b"_":
                value = None
            else:
                value = payload
        elif marker in _BLOB_TYPES:
            length = int(payload)
            value = None if length < 0 else self._blob(length)
        elif marker in _AGGREGATE_TYPES:
            count = int(payload)
            if count < 0:
                value = None
            else:
                value = [self._parse() for _ in range(count * _AGGREGATE_TYPES[marker])]
            if marker == b"|":
                # An attribute precedes the reply it describes; keep both in one Reply.
                following = self._parse()
                value.append(following)
        else:
            raise MalformedReply(f"unknown reply marker in line {line[:80]!r}")
        return Reply(marker.decode("ascii"), value, bytes(self._buf[start : self._pos]))


def wait_for_ping(host: str, port: int, deadline: float, alive=lambda: True) -> Optional[str]:
    """Polls until the server answers PING (+PONG, or -NOAUTH when a password is set).
    Returns None when ready, or a description of the last failure when the deadline passed
    or `alive()` turned false."""
    last = "never tried"
    while time.monotonic() < deadline:
        if not alive():
            return f"process exited ({last})"
        try:
            with RespConnection(host, port, timeout=2.0) as conn:
                reply = conn.call("PING")
                if reply.kind == "+" or (reply.is_error and reply.value.startswith(b"NOAUTH")):
                    return None
                last = f"PING answered {reply!r}"
        except (OSError, ConnectionClosed, MalformedReply) as exc:
            last = f"{type(exc).__name__}: {exc}"
        time.sleep(0.05)  # poll interval, not synchronisation: the loop re-checks the condition
    return f"no PONG before the deadline ({last})"
