"""Work done by a forked copy of this process while this one goes on: a single report's PDF is laid
out on the second core while the first draws the charts and the workbook.

The child is forked early and starts on its own preparation (importing WeasyPrint) while this process
validates and computes; its work then receives each input this process sends it when it needs it,
sends each of its results back as soon as it has it, and ends without running the parent's exit
handlers. An exception in the child is raised again in the parent when it asks for that result.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from queue import SimpleQueue


PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask the kernel to kill this process when the one that forked it ends, however it ends (even SIGKILL):
    a child is never left running on its own."""
    import ctypes  # here, in the child: the parent never waits for it
    parent = os.getppid()
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it ended before the request
        os._exit(1)


class Forked:
    """Run `prepare()` in a forked child at once, then `work(receive)`, where `receive()` waits for the next
    input `send` hands over; iterating gives the work's results in order. A child whose work is not all
    taken when it is closed (a failure on either side, or no input at all) is stopped."""

    def __init__(self, work: Callable[[Callable[[], object]], Iterator[object]], prepare: Callable[[], object] = lambda: None):
        sys.stdout.flush()
        sys.stderr.flush()
        read_end, write_end = os.pipe()
        input_read, input_write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: whatever happens, it never returns into the parent's code
            try:
                die_with_parent()
                os.close(read_end)
                os.close(input_write)
                _work_and_send(prepare, work, input_read, write_end)
            finally:
                os._exit(0)
        os.close(write_end)
        os.close(input_read)
        self.pipe = os.fdopen(read_end, "rb")
        self.inputs: SimpleQueue = SimpleQueue()
        # a pipe holds 64 KB and the child reads only when it needs an input: a thread writes them, so
        # that a large one never holds this process up
        self.sender = threading.Thread(target=_write_inputs, args=(self.inputs, os.fdopen(input_write, "wb")), daemon=True)
        self.sender.start()
        self.finished = self.closed = False

    def send(self, value: object) -> None:
        """Hand the child its next input."""
        self.inputs.put(("input", value))

    def __iter__(self) -> Forked:
        return self

    def __next__(self) -> object:
        try:
            kind, value = pickle.load(self.pipe)
        except EOFError:
            self.finished = True
            raise RuntimeError("the forked process ended before it finished its work") from None
        if kind in ("error", "done"):
            self.finished = True
        if kind == "error":
            raise value
        if kind == "done":
            raise StopIteration
        return value

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if not self.finished:  # nothing more it could do is wanted
            os.kill(self.pid, signal.SIGKILL)
        self.inputs.put(("end", None))
        self.sender.join()
        self.pipe.close()
        os.waitpid(self.pid, 0)

    def __enter__(self) -> Forked:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _write_inputs(inputs: SimpleQueue, pipe) -> None:
    """Write each input to the child as it comes, until the end; a child that has gone is written no more
    (its error, if it had one, waits in the other pipe)."""
    try:
        with pipe:
            while (item := inputs.get())[0] == "input":
                pickle.dump(item[1], pipe)
                pipe.flush()
    except BrokenPipeError:
        return


def _work_and_send(prepare: Callable[[], object], work: Callable[[Callable[[], object]], Iterator[object]],
                   input_read: int, write_end: int) -> None:
    """Each result, or the exception that stopped the work; a parent that stopped listening ends it."""
    with os.fdopen(write_end, "wb") as pipe, os.fdopen(input_read, "rb") as inbound:
        try:
            prepare()
            for result in work(lambda: pickle.load(inbound)):
                pickle.dump(("result", result), pipe)
                pipe.flush()
            pickle.dump(("done", None), pipe)
        except BrokenPipeError:
            return
        except BaseException as exc:  # noqa: BLE001  (handed to the parent, which raises it)
            pickle.dump(("error", _picklable(exc)), pipe)


def _picklable(exc: BaseException) -> BaseException:
    """The exception itself when it survives pickling, else a RuntimeError that names it."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001
        return RuntimeError(f"{type(exc).__name__}: {exc}")
