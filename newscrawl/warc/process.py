"""The writer process: the WARC records of every exchange are built,
compressed and written by a process of their own (``Recorder``), so that
the crawl's thread only hands each exchange over and the work runs on
another core instead of under the crawl's GIL.

The two talk over the writer's standard input and output, one pickled
message each way per call, each behind its length (``!Q``): the crawl sends
``(method, args)``; the writer answers ``(logs, ok, value)``, its log
records included so that they land in the crawl's log. Calls are answered
in the order they were made, and the crawl does not wait for one answer to
send the next call: the records stay in the order of the exchanges, and the
writer is never idle while exchanges wait. The crawl's side runs on its
asyncio loop (the project's reactor), without a thread.

The writer stops when the crawl closes it, or when its input ends (the
crawl was killed): then it closes its file without an index, as a crawl
killed mid-write leaves it, for the next crawl to index. It ignores SIGINT
and SIGTERM, which are the crawl's to handle, and has a process group of
its own, so that Ctrl-C reaches only the crawl.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import fcntl
import logging
import os
import pickle
import signal
import struct
import sys
from typing import Any, BinaryIO

logger = logging.getLogger(__name__)

WRITER_MODULE = "newscrawl.warc.process"
STOP_WAIT = 30  # seconds the writer gets to close its file and exit
HEADER = struct.Struct("!Q")  # a message's length
F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)
PIPE_SIZE = 1 << 20  # Linux's default pipe-max-size: a few pages in flight


class WriterGone(RuntimeError):
    """The writer process ended (or could not start)."""


class WriterError(Exception):
    """An error the writer met (a full disk): its type's name and message."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


def frame(message: Any) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(data)) + data


class WriterProcess:
    """The crawl's end: start the writer (``await WriterProcess.start()``),
    call its ``Recorder`` (``await writer.call(...)``), stop it."""

    def __init__(self, proc: asyncio.subprocess.Process):
        self.proc = proc
        self.gone: WriterGone | None = None
        self._waiting: collections.deque[asyncio.Future] = collections.deque()
        self._reader = asyncio.ensure_future(self._read_answers())

    @classmethod
    async def start(cls, config) -> WriterProcess:
        env = dict(os.environ)
        # The project may not be installed where the child looks (a Scrapyd
        # egg is on sys.path only): the child gets the crawl's sys.path.
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            WRITER_MODULE,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env=env,
            process_group=0,
        )
        assert proc.stdin is not None
        pipe = proc.stdin.transport.get_extra_info("pipe")
        if pipe is not None:
            _widen(pipe.fileno())
        writer = cls(proc)
        try:
            await writer.call("open", config)
        except BaseException:
            await writer.close()
            raise
        return writer

    async def call(self, method: str, *args) -> Any:
        if self.gone is not None:
            raise self.gone
        assert self.proc.stdin is not None
        answer = asyncio.get_running_loop().create_future()
        self._waiting.append(answer)
        try:
            self.proc.stdin.write(frame((method, args)))
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
                    answer.set_exception(WriterError(*value))
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            pass
        finally:
            code = self.proc.returncode
            state = "still running" if code is None else f"exit status {code}"
            self.gone = WriterGone(f"the WARC writer process ended ({state})")
            while self._waiting:
                answer = self._waiting.popleft()
                if not answer.done():
                    answer.set_exception(self.gone)

    async def close(self) -> None:
        """End the writer's input and wait for it to exit (after a
        ``close`` call, or when it is gone)."""
        assert self.proc.stdin is not None
        with contextlib.suppress(ConnectionError, RuntimeError):
            self.proc.stdin.close()
        try:
            await asyncio.wait_for(self.proc.wait(), STOP_WAIT)
        except TimeoutError:
            logger.error("The WARC writer process did not stop in %d s: killed", STOP_WAIT)
            self.proc.kill()
            await self.proc.wait()
        with contextlib.suppress(BaseException):
            await self._reader


def _widen(fd: int) -> None:
    """A pipe that holds a few pages (Linux: 64 KiB by default, up to
    ``/proc/sys/fs/pipe-max-size``): one write per message, not a wake-up of
    the writer per 4 KiB."""
    with contextlib.suppress(OSError):  # above the system's limit: the default works too
        fcntl.fcntl(fd, F_SETPIPE_SZ, PIPE_SIZE)


# --------------------------------------------------------------- the writer
class _Collect(logging.Handler):
    """The writer's log records, sent back with each answer."""

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


def serve(incoming: BinaryIO, outgoing: int) -> None:
    """The writer's loop: answer each call until ``close`` or the end of input."""
    from newscrawl.warc.recorder import Recorder

    collect = _Collect()
    for name in ("newscrawl", "cdxj_indexer", "warcio"):
        logging.getLogger(name).addHandler(collect)
        logging.getLogger(name).setLevel(logging.DEBUG)
    recorder: Recorder | None = None
    while True:
        try:
            (size,) = HEADER.unpack(_read(incoming, HEADER.size))
            method, args = pickle.loads(_read(incoming, size))
        except EOFError:  # the crawl is gone: leave the file as a killed crawl does
            if recorder is not None:
                recorder.files.close(write_index=False)
            return
        try:
            if method == "open":
                recorder, value = Recorder(*args), None
            else:
                assert recorder is not None, "the writer was not opened"
                value = getattr(recorder, method)(*args)
            answer = frame((collect.take(), True, value))
        except Exception as exc:
            answer = frame((collect.take(), False, (type(exc).__name__, str(exc))))
        _write(outgoing, answer)
        if method == "close":
            return


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
