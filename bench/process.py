"""Run a measured process: wall time and resource usage, stopped at a timeout."""

import os
import signal
import subprocess
import threading
import time


def run_process(command, log_path, env=None, timeout=600, cwd=None, graceful=False):
    """Run *command* with its output in *log_path*; returns (returncode, wall
    seconds, rusage, stopped). After *timeout* seconds its process group gets
    SIGTERM, or with *graceful* SIGINT (Scrapy's clean stop) and SIGKILL 30 s
    later; *stopped* says whether that happened."""
    with open(log_path, "w") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        stopped = threading.Event()

        def stop():
            stopped.set()
            try:
                if graceful:
                    os.killpg(proc.pid, signal.SIGINT)
                    time.sleep(30)
                    os.killpg(proc.pid, signal.SIGKILL)
                else:
                    os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, stop)
        timer.daemon = True
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        return proc.returncode, time.perf_counter() - started, usage, stopped.is_set()
