"""Work done by a forked copy of this process while this one goes on: a single report's charts and
workbook are drawn on the second core while the first renders the text.

The child inherits everything already computed (fork, no pickling of arguments), sends each of its
results back through a pipe as soon as it has it, and ends without running the parent's exit handlers.
An exception in the child is raised again in the parent when it asks for that result.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Callable, Iterator


class Forked:
    """Run `work` (a generator of results) in a forked child; iterating gives its results in order."""

    def __init__(self, work: Callable[[], Iterator[object]]):
        sys.stdout.flush()
        sys.stderr.flush()
        read_end, write_end = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: whatever happens, it never returns into the parent's code
            try:
                os.close(read_end)
                _send_results(work, write_end)
            finally:
                os._exit(0)
        os.close(write_end)
        self.pipe = os.fdopen(read_end, "rb")

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
        self.pipe.close()
        os.waitpid(self.pid, 0)

    def __enter__(self) -> Forked:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _send_results(work: Callable[[], Iterator[object]], write_end: int) -> None:
    """Each result, or the exception that stopped the work; a parent that stopped listening ends it."""
    with os.fdopen(write_end, "wb") as pipe:
        try:
            for result in work():
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
