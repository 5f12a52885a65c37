"""Network faults on directed peer links, without root: an HTTP CONNECT proxy per dialing node.

Why a CONNECT proxy. A node's peers are found at the addresses in `initial_members`, and every
node must list the same addresses: the cluster id is a hash of the sorted member list
(`derive_cluster_id` in src/server/node.cc), so giving node A a proxy port for B would make A a
member of a different cluster, and Hello would refuse it. A proxy in front of B's listening port
cannot tell which peer is dialing (every loopback connection comes from 127.0.0.1). gRPC,
however, honours the `grpc_proxy` environment variable: each outgoing channel opens a TCP
connection to the proxy and asks `CONNECT <target host:port>`. So each node gets its own proxy
listener through its environment; the listener knows the dialer (whose listener it is) and
learns the target from the CONNECT line. The configuration, the cluster id and the handshake
stay exactly as in production.

What travels on which link. A Seshat link is directed (docs/transport.md): A's Raft messages to B
go on a stream that A opened to B's server, and B's messages to A on a stream B opened to A. The
only bytes flowing back on A's connection are gRPC's own: HTTP/2 settings, window updates, ping
acks and the unary Hello answer. So this module's link A->B is "A's connections to B":

- cut A->B: every message A sends to B is lost, and nothing comes back on those connections
  (not even keepalive pings, so A's transport notices the dead link after its keepalive timeout,
  as on a real partition). B->A is untouched: cutting A->B alone is a one-way cut; cutting both
  is a full partition of the pair. Connections that were open when the cut started are held and
  silently discarded (a blackhole, like a pulled cable), and new connections are accepted but
  never answered (the dialer's CONNECT handshake times out). When the link is restored, the
  held connections are closed, so both ends reconnect on a clean stream: gRPC never sees a byte
  stream with a hole in it. `mode="reset"` instead closes connections at once (a refused port).
- latency A->B: each chunk read from A is forwarded after the delay, in order (the
  writer never overtakes an earlier chunk). Only the A->B direction is delayed: that is where
  A's messages travel; B's answers to them travel on B->A, which has its own delay.
- message loss cannot be done in a TCP stream (a gap breaks HTTP/2 framing); it is done inside
  the node by `SESHAT LINK DROP <peer> <percent>` (see harness.py).

Everything runs on one asyncio loop in a daemon thread owned by `LinkNet`; the public methods
are called from test threads and wait for the loop to apply them.
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Set, Tuple

HANDSHAKE_TIMEOUT_S = 5.0
CHUNK = 64 * 1024


@dataclass
class LinkStats:
    connections: int = 0          # CONNECTs accepted for this link since start
    bytes_forwarded: int = 0      # dialer -> target bytes delivered
    bytes_discarded: int = 0      # bytes swallowed by a cut (both directions)


@dataclass
class _Link:
    source: int
    target: int
    cut: Optional[str] = None     # None, "blackhole" or "reset"
    delay_s: float = 0.0
    stats: LinkStats = field(default_factory=LinkStats)
    pipes: Set["_Pipe"] = field(default_factory=set)
    held: Set[asyncio.StreamWriter] = field(default_factory=set)  # accepted during a cut


class _Pipe:
    """One proxied TCP connection of one link."""

    def __init__(self, link: _Link, down_reader, down_writer, up_reader, up_writer):
        self.link = link
        self.down_reader = down_reader   # from the dialer
        self.down_writer = down_writer   # to the dialer
        self.up_reader = up_reader       # from the target
        self.up_writer = up_writer       # to the target
        self.poisoned = False            # saw a cut: never forwards again, closed on restore
        self.queue: asyncio.Queue = asyncio.Queue()
        self.tasks: List[asyncio.Task] = []

    def close(self) -> None:
        for writer in (self.down_writer, self.up_writer):
            try:
                writer.transport.abort()
            except Exception:  # already closed
                pass
        for task in self.tasks:
            task.cancel()


class LinkNet:
    """Directed links between `node_ids`; `real_ports` maps a node's real internal port to its
    id (the CONNECT target names a real port). One listener per dialing node."""

    def __init__(self, node_ids: Iterable[int], real_ports: Dict[int, int],
                 host: str = "127.0.0.1"):
        self.host = host
        self.node_ids = list(node_ids)
        self.real_ports = dict(real_ports)
        self.links: Dict[Tuple[int, int], _Link] = {
            (a, b): _Link(a, b) for a in self.node_ids for b in self.node_ids if a != b}
        self.listen_ports: Dict[int, int] = {}
        self.handshake_errors: List[str] = []
        self._loop = asyncio.new_event_loop()
        self._servers = []
        self._thread = threading.Thread(target=self._loop.run_forever, name="linknet",
                                        daemon=True)
        self._thread.start()
        for node_id in self.node_ids:
            self.listen_ports[node_id] = self._call(self._listen(node_id))

    # -- public API, called from test threads ---------------------------------------------
    def proxy_url(self, node_id: int) -> str:
        return f"http://{self.host}:{self.listen_ports[node_id]}"

    def cut(self, source: int, target: int, mode: str = "blackhole") -> None:
        assert mode in ("blackhole", "reset"), mode
        self._call(self._set_cut(source, target, mode))

    def restore(self, source: int, target: int) -> None:
        self._call(self._set_cut(source, target, None))

    def set_delay(self, source: int, target: int, delay_ms: float) -> None:
        self._call(self._set_delay(source, target, delay_ms / 1000.0))

    def heal_all(self) -> None:
        for (a, b) in self.links:
            self.restore(a, b)
            self.set_delay(a, b, 0)

    def stats(self, source: int, target: int) -> LinkStats:
        s = self.links[(source, target)].stats
        return LinkStats(s.connections, s.bytes_forwarded, s.bytes_discarded)

    def state(self) -> Dict[Tuple[int, int], str]:
        """A readable state per link, for reports: pass, cut, reset or +N ms."""
        out = {}
        for key, link in self.links.items():
            if link.cut:
                out[key] = "cut" if link.cut == "blackhole" else "reset"
            elif link.delay_s:
                out[key] = f"+{link.delay_s * 1000:.0f}ms"
            else:
                out[key] = "pass"
        return out

    def close(self) -> None:
        if not self._loop.is_running():
            return
        self._call(self._shutdown())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    # -- loop side --------------------------------------------------------------------------
    def _call(self, coro, timeout: float = 10.0):
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    async def _listen(self, node_id: int) -> int:
        server = await asyncio.start_server(
            lambda r, w: self._accept(node_id, r, w), self.host, 0)
        self._servers.append(server)
        return server.sockets[0].getsockname()[1]

    async def _accept(self, source: int, reader: asyncio.StreamReader,
                      writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), HANDSHAKE_TIMEOUT_S)
            words = head.split(b"\r\n", 1)[0].split()
            if len(words) < 2 or words[0] != b"CONNECT":
                raise ValueError(f"not a CONNECT request: {head[:80]!r}")
            host, _, port = words[1].decode().rpartition(":")
            target = self.real_ports.get(int(port))
            if target is None or target == source:
                raise ValueError(f"node {source} asked for unknown target {words[1]!r}")
        except (asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError) as exc:
            self.handshake_errors.append(f"node {source}: {exc}")
            writer.transport.abort()
            return
        link = self.links[(source, target)]
        if link.cut == "reset":
            writer.transport.abort()
            return
        if link.cut == "blackhole":
            await self._hold(reader, writer, link)
            return
        try:
            up_reader, up_writer = await asyncio.wait_for(
                asyncio.open_connection(host, int(port)), HANDSHAKE_TIMEOUT_S)
        except (OSError, asyncio.TimeoutError):
            # The target is down: a refused connection, as the dialer would see without us.
            writer.transport.abort()
            return
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        link.stats.connections += 1
        pipe = _Pipe(link, reader, writer, up_reader, up_writer)
        link.pipes.add(pipe)
        pipe.tasks = [
            asyncio.ensure_future(self._pump_up(pipe)),
            asyncio.ensure_future(self._deliver_up(pipe)),
            asyncio.ensure_future(self._pump_down(pipe)),
        ]
        await asyncio.gather(*pipe.tasks, return_exceptions=True)
        link.pipes.discard(pipe)
        pipe.close()

    async def _hold(self, reader, writer, link: _Link) -> None:
        """A connection made during a cut: read and discard until the dialer gives up or the
        link is restored (then it is closed, and the dialer retries)."""
        link.held.add(writer)
        try:
            while True:
                data = await reader.read(CHUNK)
                if not data:
                    break
                link.stats.bytes_discarded += len(data)
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            link.held.discard(writer)
            writer.transport.abort()

    @staticmethod
    def _discarded(pipe: _Pipe, data: bytes) -> bool:
        """A cut link swallows bytes, and its connection stays poisoned until restored."""
        if pipe.poisoned or pipe.link.cut:
            pipe.poisoned = True
            pipe.link.stats.bytes_discarded += len(data)
            return True
        return False

    async def _pump_up(self, pipe: _Pipe) -> None:
        """Dialer -> target: timestamps each chunk; the delivery task forwards it when due."""
        link = pipe.link
        try:
            while True:
                data = await pipe.down_reader.read(CHUNK)
                if not data:
                    break
                if self._discarded(pipe, data):
                    continue
                pipe.queue.put_nowait((time.monotonic() + link.delay_s, data))
        except ConnectionError:
            pass
        finally:
            pipe.queue.put_nowait(None)

    async def _deliver_up(self, pipe: _Pipe) -> None:
        link = pipe.link
        try:
            while True:
                item = await pipe.queue.get()
                if item is None:
                    break
                due, data = item
                wait = due - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                if self._discarded(pipe, data):
                    continue
                pipe.up_writer.write(data)
                await pipe.up_writer.drain()
                link.stats.bytes_forwarded += len(data)
        except ConnectionError:
            pass
        finally:
            pipe.close()

    async def _pump_down(self, pipe: _Pipe) -> None:
        """Target -> dialer: gRPC's control frames and unary answers, never delayed."""
        try:
            while True:
                data = await pipe.up_reader.read(CHUNK)
                if not data:
                    break
                if self._discarded(pipe, data):
                    continue
                pipe.down_writer.write(data)
                await pipe.down_writer.drain()
        except ConnectionError:
            pass
        finally:
            pipe.close()

    async def _set_cut(self, source: int, target: int, mode: Optional[str]) -> None:
        link = self.links[(source, target)]
        link.cut = mode
        if mode is None:
            # Restored: connections that lost bytes are closed so that both ends start over.
            for pipe in list(link.pipes):
                if pipe.poisoned:
                    pipe.close()
            for writer in list(link.held):
                writer.transport.abort()
        else:
            for pipe in list(link.pipes):
                pipe.poisoned = True
                if mode == "reset":
                    pipe.close()

    async def _set_delay(self, source: int, target: int, delay_s: float) -> None:
        self.links[(source, target)].delay_s = max(0.0, delay_s)

    async def _shutdown(self) -> None:
        for server in self._servers:
            server.close()
        for link in self.links.values():
            for pipe in list(link.pipes):
                pipe.close()
            for writer in list(link.held):
                writer.transport.abort()
