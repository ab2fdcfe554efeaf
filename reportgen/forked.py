"""Work done by a forked copy of this process while this one goes on: a single report's charts and
workbook are drawn on the second core while the first renders the text.

The child is forked early and starts on its own preparation (importing the drawing libraries) while
this process validates and computes; it then waits for the input this process sends it, sends each
of its results back as soon as it has it, and ends without running the parent's exit handlers.
An exception in the child is raised again in the parent when it asks for that result.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Iterator


class Forked:
    """Run `prepare()` in a forked child at once, then `work(input)` once `send` hands it its input;
    iterating gives the work's results in order. Closed without a `send`, the child is stopped unstarted."""

    def __init__(self, work: Callable[[object], Iterator[object]], prepare: Callable[[], object] = lambda: None):
        sys.stdout.flush()
        sys.stderr.flush()
        read_end, write_end = os.pipe()
        input_read, input_write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: whatever happens, it never returns into the parent's code
            try:
                os.close(read_end)
                os.close(input_write)
                _work_and_send(prepare, work, input_read, write_end)
            finally:
                os._exit(0)
        os.close(write_end)
        os.close(input_read)
        self.pipe = os.fdopen(read_end, "rb")
        self.input = os.fdopen(input_write, "wb")
        self.sender: threading.Thread | None = None
        self.closed = False

    def send(self, value: object) -> None:
        """Hand the child its input. A thread writes it: a pipe holds 64 KB, and the child reads only
        once prepared, so a direct write could stall this process until then."""
        def write() -> None:
            try:
                with self.input:
                    pickle.dump(value, self.input)
            except BrokenPipeError:  # the child failed while preparing; its error is waiting in the pipe
                pass

        self.sender = threading.Thread(target=write, daemon=True)
        self.sender.start()

    def __iter__(self) -> Forked:
        return self

    def __next__(self) -> object:
        try:
            kind, value = pickle.load(self.pipe)
        except EOFError:
            raise RuntimeError("the forked process ended before it finished its work") from None
        if kind == "error":
            raise value
        if kind == "done":
            raise StopIteration
        return value

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self.sender is None:  # never given its work: nothing it does is wanted
            self.input.close()
            os.kill(self.pid, signal.SIGKILL)
        else:
            self.sender.join()
        self.pipe.close()
        os.waitpid(self.pid, 0)

    def __enter__(self) -> Forked:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _work_and_send(prepare: Callable[[], object], work: Callable[[object], Iterator[object]], input_read: int,
                   write_end: int) -> None:
    """Each result, or the exception that stopped the work; a parent that stopped listening ends it."""
    with os.fdopen(write_end, "wb") as pipe:
        try:
            prepare()
            with os.fdopen(input_read, "rb") as inbound:
                value = pickle.load(inbound)
            for result in work(value):
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
