"""`intake serve`'s triage workers: child processes that work through the inbox.

The edges (SMTP, HTTP) only store and acknowledge; parsing, classification and database
bookkeeping are CPU work, and in the same interpreter they would slow every acknowledgement
down. So serve starts `intake worker` children, wakes them through their stdin whenever the
inbox has something new (they also poll, for work stored by other replicas), and restarts a
child that dies. A child that loses its parent (stdin closes) stops by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
from pathlib import Path

log = logging.getLogger(__name__)

READY_LINE = b"ready\n"


class WorkerSupervisor:
    def __init__(self, *, count: int, config_path: Path, log_level: str = "info") -> None:
        self._count = count
        self._config_path = config_path
        self._log_level = log_level
        self._children: list[asyncio.subprocess.Process] = []
        self._watchers: list[asyncio.Task[None]] = []
        self._stopping = False

    async def start(self, *, ready_timeout: float = 900.0) -> None:
        """Spawn the workers and wait until each has loaded its model and is working."""
        for index in range(self._count):
            self._children.append(await self._spawn(index, ready_timeout))
        self._watchers = [
            asyncio.create_task(self._watch(i), name=f"worker-{i}-watch")
            for i in range(self._count)
        ]

    async def _spawn(self, index: int, ready_timeout: float) -> asyncio.subprocess.Process:
        env = {
            **os.environ,
            "INTAKE_CONFIG": str(self._config_path),
            "INTAKE_WORKER_ID": f"{os.getpid()}-w{index}",
        }
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "worker",
            "--wake-stdin",
            "--log-level",
            self._log_level,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env=env,
        )
        assert child.stdout is not None
        try:
            line = await asyncio.wait_for(child.stdout.readline(), timeout=ready_timeout)
        except TimeoutError:
            child.kill()
            raise RuntimeError(
                f"worker {index} did not become ready in {ready_timeout:.0f} s"
            ) from None
        if line != READY_LINE:
            await child.wait()
            raise RuntimeError(f"worker {index} failed to start (exit code {child.returncode})")
        log.info("triage worker %d ready (pid %d)", index, child.pid)
        return child

    async def _watch(self, index: int) -> None:
        while not self._stopping:
            code = await self._children[index].wait()
            if self._stopping:
                return
            log.error("triage worker %d exited with %s; restarting", index, code)
            try:
                self._children[index] = await self._spawn(index, ready_timeout=900.0)
            except RuntimeError as exc:
                log.error("%s", exc)
                await asyncio.sleep(5)  # back off before trying again; the inbox keeps the work

    def wake(self) -> None:
        """New inbox rows: tell every worker to look now."""
        for child in self._children:
            if (
                child.stdin is not None
                and child.returncode is None
                and not child.stdin.is_closing()
            ):
                child.stdin.write(b"w\n")

    async def stop(self, *, grace: float = 30.0) -> None:
        """SIGTERM the workers and wait: each finishes its current batch, then exits."""
        self._stopping = True
        for child in self._children:
            if child.returncode is None:
                child.terminate()
        for child in self._children:
            try:
                await asyncio.wait_for(child.wait(), timeout=grace)
            except TimeoutError:
                log.error("worker pid %d did not stop in %.0f s; killing it", child.pid, grace)
                child.kill()
                await child.wait()
        for watcher in self._watchers:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
