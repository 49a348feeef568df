"""Group commit: one writer thread drains a queue of appends into shared transactions.

Callers (threads, or asyncio handlers through :meth:`GroupCommitter.submit_async`) get a
future that resolves to the entry's index only after the transaction holding it has
committed. While one commit runs, new appends queue up and share the next one, so the
commit cost is paid per batch, not per entry.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Any

from aiattest.errors import LedgerError
from aiattest.ledger.entries import SealedEntry

_STOP = object()
Waiter = Future[int] | tuple[asyncio.AbstractEventLoop, asyncio.Future[int]]


def _resolve(results: list[tuple[asyncio.Future[int], Any]]) -> None:
    """Runs in the event loop: settle the awaiting coroutines of one batch."""
    for future, result in results:
        if future.cancelled():
            continue
        if isinstance(result, BaseException):
            future.set_exception(result)
        else:
            future.set_result(result)


_log = logging.getLogger(__name__)


class GroupCommitter:
    """A background writer: ``commit(batch) -> first index`` runs on its thread only."""

    def __init__(
        self,
        commit: Callable[[Sequence[SealedEntry]], int],
        *,
        max_batch: int,
        linger_s: float = 0.0,
        idle: Callable[[], None] | None = None,
        idle_every_s: float = 1.0,
    ) -> None:
        self._commit = commit
        self._max_batch = max_batch
        self._linger_s = linger_s
        self._idle = idle
        self._idle_every_s = idle_every_s
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._closed = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="ledger-writer", daemon=True)
        self._thread.start()

    def submit(self, sealed: SealedEntry) -> Future[int]:
        """Queue one entry; the future gives its index once committed."""
        future: Future[int] = Future()
        self._put((sealed, future))
        return future

    async def submit_async(self, sealed: SealedEntry) -> int:
        """Queue one entry from a coroutine and await its durable index.

        The writer wakes each event loop once per batch (not once per entry), which is
        what lets thousands of in-flight requests share commits cheaply.
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[int] = loop.create_future()
        self._put((sealed, (loop, future)))
        return await future

    def _put(self, item: tuple[SealedEntry, Waiter]) -> None:
        with self._lock:
            if self._closed:
                raise LedgerError("the ledger is closed")
            self._queue.put(item)

    def close(self) -> None:
        """Commit what is queued, then stop the thread."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._queue.put(_STOP)
        self._thread.join()

    def _run(self) -> None:
        stop = False
        while not stop:
            try:
                item = self._queue.get(timeout=self._idle_every_s)
            except queue.Empty:
                self._run_idle()
                continue
            if item is _STOP:
                break
            batch = [item]
            deadline = time.monotonic() + self._linger_s
            while len(batch) < self._max_batch:
                try:
                    timeout = deadline - time.monotonic()
                    nxt = (
                        self._queue.get(timeout=timeout)
                        if timeout > 0
                        else self._queue.get_nowait()
                    )
                except queue.Empty:
                    break
                if nxt is _STOP:
                    stop = True
                    break
                batch.append(nxt)
            self._flush(batch)  # type: ignore[arg-type]
            self._run_idle()

    def _flush(self, batch: list[tuple[SealedEntry, Waiter]]) -> None:
        live = [
            (s, w)
            for s, w in batch
            if not isinstance(w, Future) or w.set_running_or_notify_cancel()
        ]
        if not live:
            return
        outcome: list[tuple[Waiter, int | BaseException]]
        try:
            first = self._commit([s for s, _ in live])
            outcome = [(w, first + offset) for offset, (_, w) in enumerate(live)]
        except BaseException as e:  # every waiter learns why; the thread keeps serving
            outcome = [(w, e) for _, w in live]
        per_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[int], Any]]] = {}
        for waiter, result in outcome:
            if isinstance(waiter, Future):
                if isinstance(result, BaseException):
                    waiter.set_exception(result)
                else:
                    waiter.set_result(result)
            else:
                per_loop.setdefault(waiter[0], []).append((waiter[1], result))
        for loop, results in per_loop.items():
            try:
                loop.call_soon_threadsafe(_resolve, results)
            except RuntimeError:  # the loop was closed; nobody is waiting any more
                continue

    def _run_idle(self) -> None:
        if self._idle is None:
            return
        try:
            self._idle()
        except Exception:  # a failed periodic checkpoint is logged and retried next time
            _log.exception("periodic ledger checkpoint failed")
