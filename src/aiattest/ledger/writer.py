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

from aiattest.errors import LedgerError
from aiattest.ledger.entries import SealedEntry

_STOP = object()
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
        with self._lock:
            if self._closed:
                raise LedgerError("the ledger is closed")
            self._queue.put((sealed, future))
        return future

    async def submit_async(self, sealed: SealedEntry) -> int:
        """Queue one entry from a coroutine and await its durable index."""
        return await asyncio.wrap_future(self.submit(sealed))

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

    def _flush(self, batch: list[tuple[SealedEntry, Future[int]]]) -> None:
        live = [(s, f) for s, f in batch if f.set_running_or_notify_cancel()]
        if not live:
            return
        try:
            first = self._commit([s for s, _ in live])
        except BaseException as e:  # every waiter learns why; the thread keeps serving
            for _, future in live:
                future.set_exception(e)
            return
        for offset, (_, future) in enumerate(live):
            future.set_result(first + offset)

    def _run_idle(self) -> None:
        if self._idle is None:
            return
        try:
            self._idle()
        except Exception:  # a failed periodic checkpoint is logged and retried next time
            _log.exception("periodic ledger checkpoint failed")
