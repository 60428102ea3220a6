"""One QueryRelay worker with an embedded Kafka broker for the whole test session.

The worker is the shell command in QUERYRELAY_TEST_WORKER when set (run-tests.sh sets it when Maven
wrote target/worker-classpath.txt), else
``bin/queryrelay worker --embedded-kafka --http.port=0 --topics.partitions=6``
(several partitions, so that following a query depends on finding its partition). Its stdout
names the broker (``embedded Kafka broker: bootstrap.servers=HOST:PORT``); it goes to
target/test-worker.log.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import threading
import uuid
from pathlib import Path

import pytest

from queryrelay import QueryRelayClient

ROOT = Path(__file__).resolve().parents[3]
LAUNCHER = ROOT / "bin" / "queryrelay"
LOG = Path(__file__).resolve().parents[1] / "target" / "test-worker.log"
BOOTSTRAP = re.compile(r"embedded Kafka broker: bootstrap\.servers=(\S+)")
RUNNING = re.compile(r"queryrelay worker \S+ running")
START_TIMEOUT = 180.0


class Worker:
    """A worker process; reads its output on a thread until it exits."""

    def __init__(self, command: str) -> None:
        self.command = command
        LOG.parent.mkdir(parents=True, exist_ok=True)
        self._log = LOG.open("w", encoding="utf-8")
        self.process = subprocess.Popen(command, shell=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True, start_new_session=True)
        self.bootstrap = None
        self._bootstrap_known = threading.Event()
        self._running = threading.Event()
        self._ended = threading.Event()
        threading.Thread(target=self._read, name="worker-output", daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self._log.write(line)
            self._log.flush()
            found = BOOTSTRAP.search(line)
            if found:
                self.bootstrap = found.group(1)
                self._bootstrap_known.set()
            if RUNNING.search(line):
                self._running.set()
        self._ended.set()

    def await_start(self) -> str:
        for event, what in ((self._bootstrap_known, "the embedded broker's address"), (self._running, "the worker running")):
            if not _first(event, self._ended, START_TIMEOUT) or not event.is_set():
                self.stop()
                raise RuntimeError(f"{self.command!r} did not print {what} within {START_TIMEOUT:g} s "
                                   f"(exit code {self.process.poll()}); see {LOG}")
        return self.bootstrap

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(30)
        self._ended.wait(30)
        self._log.close()


def _first(event: threading.Event, ended: threading.Event, timeout: float) -> bool:
    """Waits until ``event`` or ``ended`` is set; False when neither is within ``timeout``."""
    waited = 0.0
    while waited < timeout:
        if event.wait(0.2) or ended.is_set():
            return True
        waited += 0.2
    return False


@pytest.fixture(scope="session")
def bootstrap_servers():
    command = os.environ.get("QUERYRELAY_TEST_WORKER")
    if not command:
        command = f"{shlex.quote(str(LAUNCHER))} worker --embedded-kafka --http.port=0 --topics.partitions=6"
    worker = Worker(command)
    try:
        yield worker.await_start()
    finally:
        worker.stop()


@pytest.fixture
def client(bootstrap_servers):
    with QueryRelayClient(bootstrap_servers) as relay:
        yield relay


@pytest.fixture
def query_id(request):
    return f"py-{request.node.name[:60]}-{uuid.uuid4().hex[:8]}".replace("[", ".").replace("]", "")
