"""Worker processes: an object of the project's, hosted by a process of its
own, so that its CPU-bound work runs on another core instead of under the
crawl's GIL. The WARC writer (``warc.recorder.Recorder``) and the text
cleaning (``CleanTextPipeline``) run in one each.

The crawl starts a worker with the object's class (``module:Class``) and
the arguments to make it; each call names one of its methods. The two talk
over the worker's standard input and output, one pickled message each way
per call, each behind its length (``!Q``): the crawl sends ``(method,
args)``; the worker answers ``(logs, ok, value)``, its log records included
so that they land in the crawl's log. Calls are answered in the order they
were made, and the crawl does not wait for one answer to send the next
call: the worker is never idle while work waits. The crawl's side runs on
its asyncio loop (the project's reactor), without a thread.

A worker stops when the crawl closes it (``close()``: its input ends), or
when the crawl is killed (its input ends too): then the object's
``abandon()`` runs, if it has one (the WARC writer leaves its file as a
killed crawl does). A worker ignores SIGINT and SIGTERM, which are the
crawl's to handle, and has a process group of its own, so that Ctrl-C
reaches only the crawl.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import fcntl
import importlib
import logging
import os
import pickle
import signal
import struct
import sys
from typing import Any, BinaryIO

logger = logging.getLogger(__name__)

WORKER_MODULE = "newscrawl.worker"
STOP_WAIT = 30  # seconds a worker gets to finish and exit
HEADER = struct.Struct("!Q")  # a message's length
F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)
PIPE_SIZE = 1 << 20  # Linux's default pipe-max-size: a few pages in flight


class WorkerGone(RuntimeError):
    """The worker process ended (or could not start)."""


class WorkerError(Exception):
    """An error the worker's object raised (a full disk): its type's name
    and message."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


def frame(message: Any) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(data)) + data


class WorkerProcess:
    """The crawl's end: start a worker (``await WorkerProcess.start(...)``),
    call its object (``await worker.call(method, ...)``), close it."""

    def __init__(self, proc: asyncio.subprocess.Process, name: str):
        self.proc, self.name = proc, name
        self.gone: WorkerGone | None = None
        self._waiting: collections.deque[asyncio.Future] = collections.deque()
        self._reader = asyncio.ensure_future(self._read_answers())

    @classmethod
    async def start(cls, name: str, factory: str, *args) -> WorkerProcess:
        """A worker (*name* for the messages) hosting ``factory(*args)``,
        *factory* a ``module:Class`` path."""
        env = dict(os.environ)
        # The project may not be installed where the child looks (a Scrapyd
        # egg is on sys.path only): the child gets the crawl's sys.path.
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            WORKER_MODULE,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env=env,
            process_group=0,
        )
        assert proc.stdin is not None
        pipe = proc.stdin.transport.get_extra_info("pipe")
        if pipe is not None:
            _widen(pipe.fileno())
        worker = cls(proc, name)
        try:
            # The crawl's log level: records it would drop are not sent.
            level = logging.getLogger("newscrawl").getEffectiveLevel()
            await worker.call(OPEN, level, factory, *args)
        except BaseException:
            await worker.close()
            raise
        return worker

    async def call(self, method: str, *args) -> Any:
        if self.gone is not None:
            raise self.gone
        assert self.proc.stdin is not None
        message = frame((method, args))  # before the answer is waited for: it may fail
        answer = asyncio.get_running_loop().create_future()
        self._waiting.append(answer)
        try:
            self.proc.stdin.write(message)
            await self.proc.stdin.drain()
        except (ConnectionError, RuntimeError):
            pass  # the reader sees the end and fails every call waiting
        return await answer

    async def _read_answers(self) -> None:
        assert self.proc.stdout is not None
        stream = self.proc.stdout
        try:
            while True:
                (size,) = HEADER.unpack(await stream.readexactly(HEADER.size))
                logs, ok, value = pickle.loads(await stream.readexactly(size))
                for name, level, message in logs:
                    logging.getLogger(name).log(level, "%s", message)
                answer = self._waiting.popleft()
                if answer.done():
                    continue
                if ok:
                    answer.set_result(value)
                else:
                    answer.set_exception(WorkerError(*value))
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            pass
        finally:
            code = self.proc.returncode
            state = "still running" if code is None else f"exit status {code}"
            self.gone = WorkerGone(f"the {self.name} process ended ({state})")
            while self._waiting:
                answer = self._waiting.popleft()
                if not answer.done():
                    answer.set_exception(self.gone)

    async def close(self) -> None:
        """End the worker's input and wait for it to exit."""
        assert self.proc.stdin is not None
        with contextlib.suppress(ConnectionError, RuntimeError):
            self.proc.stdin.close()
        try:
            await asyncio.wait_for(self.proc.wait(), STOP_WAIT)
        except TimeoutError:
            logger.error("The %s process did not stop in %d s: killed", self.name, STOP_WAIT)
            self.proc.kill()
            await self.proc.wait()
        with contextlib.suppress(BaseException):
            await self._reader


def _widen(fd: int) -> None:
    """A pipe that holds a few pages (Linux: 64 KiB by default, up to
    ``/proc/sys/fs/pipe-max-size``): one write per message, not a wake-up of
    the worker per 4 KiB."""
    with contextlib.suppress(OSError):  # above the system's limit: the default works too
        fcntl.fcntl(fd, F_SETPIPE_SZ, PIPE_SIZE)


# --------------------------------------------------------------- the worker
OPEN = "__open__"  # the first call: make the object
# The loggers whose records a worker sends back (the project's, and those of
# the libraries the hosted objects call).
LOGGERS = ("newscrawl", "cdxj_indexer", "warcio", "trafilatura", "htmldate")


class _Collect(logging.Handler):
    """The worker's log records, sent back with each answer."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))

    def take(self) -> list[tuple[str, int, str]]:
        taken, self.records = self.records, []
        return taken


def _read(stream: BinaryIO, size: int) -> bytes:
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return data


def _write(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _make(level: int, factory: str, *args) -> Any:
    for name in LOGGERS:
        logging.getLogger(name).setLevel(level)
    module, _, name = factory.partition(":")
    return getattr(importlib.import_module(module), name)(*args)


def serve(incoming: BinaryIO, outgoing: int) -> None:
    """The worker's loop: answer each call until the end of input."""
    collect = _Collect()
    for name in LOGGERS:
        logging.getLogger(name).addHandler(collect)
    hosted: Any = None
    while True:
        try:
            (size,) = HEADER.unpack(_read(incoming, HEADER.size))
            method, args = pickle.loads(_read(incoming, size))
        except EOFError:  # closed, or the crawl is gone
            if hosted is not None and hasattr(hosted, "abandon"):
                hosted.abandon()
            return
        try:
            if method == OPEN:
                hosted, value = _make(*args), None
            else:
                assert hosted is not None, "the worker's object was not made"
                value = getattr(hosted, method)(*args)
            answer = frame((collect.take(), True, value))
        except Exception as exc:  # the object's error, or an answer that does not pickle
            answer = frame((collect.take(), False, (type(exc).__name__, str(exc))))
        _write(outgoing, answer)


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    # Answers go to the real standard output; anything else printed goes to
    # standard error, where it cannot break a message.
    outgoing = os.dup(1)
    os.dup2(2, 1)
    with open(0, "rb", buffering=PIPE_SIZE, closefd=False) as incoming:
        serve(incoming, outgoing)


if __name__ == "__main__":
    main()
