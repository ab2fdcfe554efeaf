"""Worker processes for a batch, each building one customer at a time, that outlive their failures.

concurrent.futures gives up the whole pool when one worker dies (the kernel's out-of-memory killer
sends SIGKILL) and abandons every task not yet done. Here each worker has its own pipe: a worker that
dies, or overruns the time a task may take, is replaced, its task is reported lost with the reason,
and the others go on. Closing the pool (at the end, or on Ctrl-C or SIGTERM) ends every worker.

A worker is ended with SIGKILL: a signal it could catch would land anywhere in a report (inside a
library's callback, where Python only prints it), and a report cut short leaves nothing to lose: its
customer's folder is replaced whole or not at all, and the next run removes what it was writing.
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

from reportgen.forked import die_with_parent

READY = "ready"
START_ATTEMPTS = 3  # workers that die before they are ready, in a row, before the batch gives up on them


def _serve(connection: Connection, prepare: Callable[[], None], work: Callable[[object], object]) -> None:
    """A worker: prepare once, then do each task received, until told to stop or the batch is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group; the batch decides
    die_with_parent()
    prepare()
    connection.send(READY)
    while True:
        try:
            task = connection.recv()
        except EOFError:
            return
        if task is None:
            return
        connection.send(work(task))


def ended(exitcode: int | None, pid: int) -> str:
    """Why a worker ended, in words an operator can act on."""
    if exitcode is not None and exitcode < 0:
        number = -exitcode
        name = signal.Signals(number).name if number in signal.valid_signals() else "unknown"
        if number == signal.SIGKILL:
            return f"worker (pid {pid}) killed by signal 9 (SIGKILL), probably out of memory (see `dmesg`)"
        return f"worker (pid {pid}) killed by signal {number} ({name})"
    return f"worker (pid {pid}) exited with status {exitcode}"


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    connection: Connection
    task: object = None
    started: float = 0.0
    ready: bool = False


class Workers:
    """Up to `count` workers, each running `prepare()` once and then `work(task)` per task; `lost(task, reason)`
    stands for the result of a task whose worker died or ran longer than `timeout` seconds."""

    def __init__(self, count: int, prepare: Callable[[], None], work: Callable[[object], object],
                 lost: Callable[[object, str], object], timeout: float):
        self.count, self.prepare, self.work, self.lost, self.timeout = count, prepare, work, lost, timeout
        self.context = multiprocessing.get_context("fork")
        self.workers: list[_Worker] = []

    def _start(self) -> None:
        sys.stdout.flush()  # a forked worker would print what this process had not yet
        sys.stderr.flush()
        mine, theirs = self.context.Pipe()
        process = self.context.Process(target=_serve, args=(theirs, self.prepare, self.work), daemon=True)
        process.start()
        theirs.close()  # so that this end reads end-of-file when the worker dies
        self.workers.append(_Worker(process, mine))

    def results(self, tasks: list) -> Iterator[object]:
        """Each task's result as soon as it is done, in the order they finish."""
        pending, failed_starts = deque(tasks), 0
        while pending or any(w.task is not None for w in self.workers):
            while len(self.workers) < min(self.count, len(pending) + sum(w.task is not None for w in self.workers)):
                self._start()
            for worker in self.workers:
                if worker.ready and worker.task is None and pending:
                    worker.task, worker.started = pending.popleft(), time.monotonic()
                    try:
                        worker.connection.send(worker.task)
                    except OSError:  # it has just died: its end of the pipe says so below
                        pass
            busy = [w.started + self.timeout for w in self.workers if w.task is not None]
            wait([w.connection for w in self.workers], timeout=max(0.0, min(busy) - time.monotonic()) if busy else None)
            for worker in list(self.workers):
                if worker.task is not None and time.monotonic() > worker.started + self.timeout:
                    self._stop(worker)
                    yield self.lost(worker.task, f"took longer than {self.timeout:g} s (--timeout); its worker was "
                                                 "stopped")
                    continue
                if not worker.connection.poll():
                    continue
                try:
                    message = worker.connection.recv()
                except (EOFError, OSError):
                    self._stop(worker)
                    reason = ended(worker.process.exitcode, worker.process.pid)
                    if worker.task is not None:
                        yield self.lost(worker.task, reason)
                    elif not worker.ready:
                        failed_starts += 1
                        if failed_starts >= START_ATTEMPTS:
                            while pending:
                                yield self.lost(pending.popleft(), f"no worker could start: the last {reason}")
                    continue
                if message == READY:
                    worker.ready, failed_starts = True, 0
                else:
                    worker.task = None
                    yield message

    def _stop(self, worker: _Worker) -> None:
        """End one worker and wait for it."""
        self.workers.remove(worker)
        worker.connection.close()
        if worker.process.exitcode is None:
            worker.process.kill()
        worker.process.join()

    def close(self) -> None:
        """End every worker, idle or busy, and wait for each: nothing is left running."""
        for worker in list(self.workers):
            self._stop(worker)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
