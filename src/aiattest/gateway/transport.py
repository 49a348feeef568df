"""A lean keep-alive HTTP/1.1 transport for httpx, for plain-HTTP upstreams.

httpcore's pool costs more CPU per request than the rest of the gateway together; this
transport keeps idle connections per host in a list and speaks just enough HTTP/1.1
(content-length, chunked, read-to-close bodies). It is mounted for ``http://`` only; TLS
upstreams keep httpx's default transport. Errors are httpx's own exception types, so the
providers' error mapping is the same for both.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from typing import TypeVar

import httpx

T = TypeVar("T")
_MAX_HEAD = 64 * 1024
_READ_CHUNK = 64 * 1024


class _Conn:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    def close(self) -> None:
        self.writer.close()


class _Body(httpx.AsyncByteStream):
    """A response body that hands its connection back to the pool once fully read."""

    def __init__(
        self,
        transport: PooledTransport,
        key: tuple[str, int],
        conn: _Conn,
        *,
        length: int | None,
        chunked: bool,
        keep: bool,
        read_s: float | None,
        request: httpx.Request,
    ) -> None:
        self._t, self._key, self._conn = transport, key, conn
        self._length, self._chunked, self._keep = length, chunked, keep
        self._read_s, self._request = read_s, request
        self._done = False

    async def _read(self, n: int) -> bytes:
        return await _timed(self._conn.reader.read(n), self._read_s, self._request)

    async def _exactly(self, n: int) -> bytes:
        return await _timed(self._conn.reader.readexactly(n), self._read_s, self._request)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if self._chunked:
            while True:
                line = await _timed(
                    self._conn.reader.readuntil(b"\r\n"), self._read_s, self._request
                )
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    await _timed(self._conn.reader.readuntil(b"\r\n"), self._read_s, self._request)
                    break
                data = await self._exactly(size + 2)
                yield data[:-2]
        elif self._length is not None:
            left = self._length
            while left > 0:
                data = await self._read(min(left, _READ_CHUNK))
                if not data:
                    raise httpx.RemoteProtocolError(
                        "connection closed mid-body", request=self._request
                    )
                left -= len(data)
                yield data
        else:
            while data := await self._read(_READ_CHUNK):
                yield data
            self._keep = False
        self._done = True

    async def aclose(self) -> None:
        if self._done and self._keep:
            self._t.release(self._key, self._conn)
        else:
            self._conn.close()


async def _timed(awaitable: Awaitable[T], seconds: float | None, request: httpx.Request) -> T:
    try:
        return await asyncio.wait_for(awaitable, seconds)
    except TimeoutError as e:
        raise httpx.ReadTimeout("read timed out", request=request) from e
    except asyncio.IncompleteReadError as e:
        raise httpx.RemoteProtocolError("connection closed early", request=request) from e
    except asyncio.LimitOverrunError as e:
        raise httpx.RemoteProtocolError("response head too large", request=request) from e
    except (ConnectionError, OSError) as e:
        raise httpx.ReadError(f"read failed: {e.__class__.__name__}", request=request) from e


class PooledTransport(httpx.AsyncBaseTransport):
    """Plain-HTTP/1.1 keep-alive connections, pooled per host and port."""

    def __init__(self, max_idle_per_host: int = 128) -> None:
        self._idle: dict[tuple[str, int], list[_Conn]] = {}
        self._max_idle = max_idle_per_host

    def release(self, key: tuple[str, int], conn: _Conn) -> None:
        """Keep a connection whose response was read to the end."""
        idle = self._idle.setdefault(key, [])
        if len(idle) < self._max_idle and not conn.reader.at_eof():
            idle.append(conn)
        else:
            conn.close()

    async def _open(
        self, key: tuple[str, int], timeout: float | None, request: httpx.Request
    ) -> _Conn:
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(key[0], key[1], limit=_MAX_HEAD), timeout
            )
        except TimeoutError as e:
            raise httpx.ConnectTimeout("connect timed out", request=request) from e
        except OSError as e:
            raise httpx.ConnectError(
                f"connect failed: {e.__class__.__name__}", request=request
            ) from e
        return _Conn(reader, writer)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` on an idle connection (or a new one) and return its response."""
        if request.url.scheme != "http":
            raise httpx.UnsupportedProtocol(
                "PooledTransport speaks plain HTTP only", request=request
            )
        key = (request.url.host, request.url.port or 80)
        timeouts = request.extensions.get("timeout", {})
        body = await request.aread()
        target = request.url.raw_path.decode("ascii")
        lines = [f"{request.method} {target} HTTP/1.1".encode()]
        lines += [name + b": " + value for name, value in request.headers.raw]
        payload = b"\r\n".join(lines) + b"\r\n\r\n" + body
        idle = self._idle.get(key)
        conn = None
        while idle and conn is None:
            candidate = idle.pop()
            # Skip connections the server has closed while they sat idle. A request is never
            # sent twice: after a send, any failure goes to the caller (the router retries).
            if candidate.reader.at_eof() or candidate.writer.is_closing():
                candidate.close()
            else:
                conn = candidate
        if conn is None:
            conn = await self._open(key, timeouts.get("connect"), request)
        try:
            return await self._exchange(key, conn, payload, timeouts, request)
        except BaseException:
            conn.close()
            raise

    async def _exchange(
        self,
        key: tuple[str, int],
        conn: _Conn,
        payload: bytes,
        timeouts: dict[str, float | None],
        request: httpx.Request,
    ) -> httpx.Response:
        read_s = timeouts.get("read")
        try:
            conn.writer.write(payload)
            await asyncio.wait_for(conn.writer.drain(), timeouts.get("write"))
        except TimeoutError as e:
            conn.close()
            raise httpx.WriteTimeout("write timed out", request=request) from e
        except (ConnectionError, OSError) as e:
            raise httpx.ReadError("connection lost while writing", request=request) from e
        try:
            head = await _timed(conn.reader.readuntil(b"\r\n\r\n"), read_s, request)
        except httpx.ReadTimeout:
            conn.close()
            raise
        status_line, *header_lines = head[:-4].split(b"\r\n")
        parts = status_line.split(b" ", 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
            conn.close()
            raise httpx.RemoteProtocolError("malformed status line", request=request)
        headers = [tuple(line.split(b":", 1)) for line in header_lines if b":" in line]
        fields = {k.strip().lower(): v.strip() for k, v in headers}
        length = int(fields[b"content-length"]) if b"content-length" in fields else None
        chunked = b"chunked" in fields.get(b"transfer-encoding", b"").lower()
        keep = fields.get(b"connection", b"").lower() != b"close" and (
            length is not None or chunked
        )
        if request.method == "HEAD" or int(parts[1]) in (204, 304):
            length, chunked = 0, False
        stream = _Body(
            self,
            key,
            conn,
            length=length,
            chunked=chunked,
            keep=keep,
            read_s=read_s,
            request=request,
        )
        return httpx.Response(
            int(parts[1]),
            headers=[(k.strip(), v.strip()) for k, v in headers],
            stream=stream,
            extensions={"http_version": b"HTTP/1.1"},
        )

    async def aclose(self) -> None:
        """Close every idle connection."""
        for idle in self._idle.values():
            for conn in idle:
                conn.close()
        self._idle.clear()
