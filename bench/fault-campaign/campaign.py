#!/usr/bin/python3
"""QueryRelay fault campaign: drives a 3-worker deployment through Kafka only (docs/protocol.md),
injects faults (kill -9 of workers, rolling SIGTERM restart, kill -9 of the broker, SIGSTOP past the
session timeout) and audits what the workers published on the status / results / DLQ topics.

Run it with bench/fault-campaign/run.sh [--run-dir DIR] [--queries N] [--submit-seconds S] [--seed N]
[--no-faults], which builds the jars if needed and passes their paths in QUERYRELAY_WORKER_JAR and
QUERYRELAY_BROKER_CP. Needs Python 3 with confluent-kafka (Debian: python3-confluent-kafka).
"""
import argparse
import atexit
import collections
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.request

from confluent_kafka import Consumer, Producer, TopicPartition, OFFSET_BEGINNING
from confluent_kafka.admin import AdminClient, NewTopic

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
WORKER_JAR = os.environ.get("QUERYRELAY_WORKER_JAR", os.path.join(REPO, "worker", "target", "queryrelay-worker.jar"))
BROKER_CP = os.environ.get("QUERYRELAY_BROKER_CP", "")
BROKER_PORT = 19092
BOOTSTRAP = f"127.0.0.1:{BROKER_PORT}"
PARTITIONS = 6
T_SUBMIT, T_CANCEL, T_STATUS, T_RESULTS, T_DLQ = ("queryrelay.submit", "queryrelay.cancel", "queryrelay.status",
                                                  "queryrelay.results", "queryrelay.dlq")
WORKERS = {"w1": 18081, "w2": 18082, "w3": 18083}      # started at the beginning
PORTS = dict(WORKERS, w4=18084)                          # w4 joins and leaves in the scale schedule
SESSION_TIMEOUT_S = 6  # embedded broker: group.consumer.session.timeout.ms=6000 (docs/operations.md, BrokerSettings)
SIGSTOP_S = 20         # > session timeout (6 s) and > transaction.timeout.ms (10 s)
TERMINAL = {"SUCCEEDED", "FAILED", "CANCELED", "TIMEOUT"}


def now():
    return time.time()


class Log:
    def __init__(self, path):
        self.f = open(path, "a", buffering=1)
        self.t0 = now()
        self.lock = threading.Lock()

    def __call__(self, *msg):
        line = f"[{now() - self.t0:7.1f}s {time.strftime('%H:%M:%S')}] " + " ".join(str(m) for m in msg)
        with self.lock:
            print(line, flush=True)
            self.f.write(line + "\n")


# ----------------------------------------------------------------------------------------------
# processes
# ----------------------------------------------------------------------------------------------
class Procs:
    def __init__(self, run_dir, log):
        self.run_dir = run_dir
        self.log = log
        self.lock = threading.RLock()
        self.workers = {}       # wid -> Popen
        self.expected_exit = {}  # wid -> bool
        self.deaths = []        # (wid, rc, time, log tail)
        self.broker = None
        self.broker_expected_exit = False
        self.broker_deaths = []
        self.stopped = set()
        self.journal = os.path.join(run_dir, "journal.txt")
        self.closing = False

    # broker ---------------------------------------------------------------------------------
    def start_broker(self):
        out = open(os.path.join(self.run_dir, "logs", "broker.log"), "ab")
        out.write(f"\n===== broker start {time.strftime('%H:%M:%S')} =====\n".encode())
        out.flush()
        cmd = ["java", "-Xmx1g", "-cp", BROKER_CP, "dev.queryrelay.embedded.KafkaBrokerMain",
               "--port", str(BROKER_PORT), "--log-dir", os.path.join(self.run_dir, "kafka-data"),
               "--partitions", str(PARTITIONS)]
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=out, start_new_session=True)
        deadline = now() + 120
        while now() < deadline:
            line = p.stdout.readline()
            if not line:
                raise RuntimeError(f"broker exited rc={p.wait()}")
            out.write(b"[stdout] " + line)
            if line.startswith(b"bootstrap.servers="):
                break
        else:
            raise RuntimeError("broker did not start")
        threading.Thread(target=lambda: [out.write(b"[stdout] " + l) for l in p.stdout], daemon=True).start()
        with self.lock:
            self.broker = p
            self.broker_expected_exit = False
        self.log(f"broker up pid={p.pid}")
        return p

    def kill9_broker(self):
        with self.lock:
            self.broker_expected_exit = True
            self.log(f"FAULT kill -9 broker pid={self.broker.pid}")
            os.kill(self.broker.pid, signal.SIGKILL)
        self.broker.wait()

    def signal_broker(self, sig, what):
        with self.lock:
            self.log(f"FAULT {what} broker pid={self.broker.pid}")
            os.kill(self.broker.pid, sig)

    def term_broker(self, timeout=60):
        with self.lock:
            self.broker_expected_exit = True
            self.log(f"FAULT SIGTERM broker pid={self.broker.pid}")
            os.kill(self.broker.pid, signal.SIGTERM)
        return self.await_exit(self.broker, "broker", timeout)

    def await_exit(self, p, name, timeout):
        """Waits for a process sent SIGTERM to exit; kill -9 when it has not within timeout."""
        t = now()
        try:
            rc = p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.log(f"{name} did not stop in {timeout}s after SIGTERM: kill -9")
            os.kill(p.pid, signal.SIGKILL)
            rc = p.wait()
        self.log(f"{name} exited rc={rc} {now() - t:.1f}s after SIGTERM")
        return rc

    # workers --------------------------------------------------------------------------------
    def start_worker(self, wid):
        out = open(os.path.join(self.run_dir, "logs", f"{wid}.log"), "ab")
        out.write(f"\n===== {wid} start {time.strftime('%H:%M:%S')} =====\n".encode())
        out.flush()
        cmd = ["java", "-jar", WORKER_JAR, f"--kafka.bootstrap.servers={BOOTSTRAP}",
               f"--http.port={PORTS[wid]}", f"--worker.id={wid}", f"--provider.journal={self.journal}"]
        env = dict(os.environ, QUERYRELAY_LOG_LEVEL="DEBUG")
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        with self.lock:
            self.workers[wid] = p
            self.expected_exit[wid] = False
        self.log(f"worker {wid} started pid={p.pid}")
        return p

    def kill9_worker(self, wid):
        with self.lock:
            p = self.workers[wid]
            self.expected_exit[wid] = True
            self.log(f"FAULT kill -9 {wid} pid={p.pid}")
            os.kill(p.pid, signal.SIGKILL)
            if wid in self.stopped:
                os.kill(p.pid, signal.SIGCONT)
                self.stopped.discard(wid)
        p.wait()

    def term_worker(self, wid, timeout=60):
        return self.term_workers([wid], timeout)[0]

    def term_workers(self, wids, timeout=60):
        """SIGTERM to every worker of wids at once, then waits for each; their exit codes."""
        with self.lock:
            procs = [self.workers[wid] for wid in wids]
            for wid, p in zip(wids, procs):
                self.expected_exit[wid] = True
                self.log(f"FAULT SIGTERM {wid} pid={p.pid}")
                os.kill(p.pid, signal.SIGTERM)
        return [self.await_exit(p, wid, timeout) for wid, p in zip(wids, procs)]

    def sigstop(self, wid):
        with self.lock:
            p = self.workers[wid]
            self.log(f"FAULT SIGSTOP {wid} pid={p.pid}")
            os.kill(p.pid, signal.SIGSTOP)
            self.stopped.add(wid)

    def sigcont(self, wid):
        with self.lock:
            p = self.workers[wid]
            self.log(f"FAULT SIGCONT {wid} pid={p.pid}")
            os.kill(p.pid, signal.SIGCONT)
            self.stopped.discard(wid)

    def ready(self, wid):
        return self.probe(wid, "ready")

    def live(self, wid):
        return self.probe(wid, "live")

    @staticmethod
    def probe(wid, which):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORTS[wid]}/health/{which}", timeout=2) as r:
                return r.status == 200
        except Exception:
            return False

    def wait_ready(self, wid, timeout):
        deadline = now() + timeout
        while now() < deadline:
            if self.ready(wid):
                return True
            time.sleep(0.5)
        return False

    def monitor(self):
        """Records (and restarts after 5 s) any worker or broker process that exited by itself."""
        while not self.closing:
            with self.lock:
                for wid, p in list(self.workers.items()):
                    rc = p.poll()
                    if rc is not None and not self.expected_exit[wid]:
                        tail = open(os.path.join(self.run_dir, "logs", f"{wid}.log"), "rb").read()[-3000:].decode("utf-8", "replace")
                        self.deaths.append({"worker": wid, "rc": rc, "at": time.strftime('%H:%M:%S'), "tail": tail})
                        self.log(f"!!! worker {wid} exited by itself rc={rc}; restarting in 5 s")
                        self.expected_exit[wid] = True
                        threading.Timer(5, self._restart_dead, args=(wid, p)).start()
                if self.broker is not None:
                    rc = self.broker.poll()
                    if rc is not None and not self.broker_expected_exit:
                        self.broker_deaths.append({"rc": rc, "at": time.strftime('%H:%M:%S')})
                        self.log(f"!!! broker exited by itself rc={rc}")
                        self.broker_expected_exit = True
            time.sleep(0.3)

    def _restart_dead(self, wid, p):
        if self.closing:
            return
        with self.lock:
            if self.workers.get(wid) is p:
                self.start_worker(wid)

    def shutdown_all(self, broker=True):
        self.closing = True
        with self.lock:
            for wid, p in self.workers.items():
                if p.poll() is None:
                    try:
                        if wid in self.stopped:
                            os.kill(p.pid, signal.SIGCONT)
                        self.expected_exit[wid] = True
                        os.kill(p.pid, signal.SIGTERM)
                    except ProcessLookupError:
                        pass
            for wid, p in self.workers.items():
                try:
                    p.wait(40)
                except subprocess.TimeoutExpired:
                    os.kill(p.pid, signal.SIGKILL)
                    p.wait()
            if broker and self.broker is not None and self.broker.poll() is None:
                self.broker_expected_exit = True
                os.kill(self.broker.pid, signal.SIGTERM)
                try:
                    self.broker.wait(30)
                except subprocess.TimeoutExpired:
                    os.kill(self.broker.pid, signal.SIGKILL)
                    self.broker.wait()

    def kill_all_now(self):
        self.closing = True
        for p in list(self.workers.values()) + ([self.broker] if self.broker else []):
            try:
                if p.poll() is None:
                    os.kill(p.pid, signal.SIGCONT)
                    os.kill(p.pid, signal.SIGKILL)
                    p.wait(10)
            except Exception:
                pass


# ----------------------------------------------------------------------------------------------
# recording consumer (read_committed)
# ----------------------------------------------------------------------------------------------
class Recorder:
    def __init__(self, run_dir, log):
        self.log = log
        self.lock = threading.Lock()
        self.status = collections.defaultdict(list)  # qid -> [event dict]
        self.pages = collections.defaultdict(list)   # qid -> [page summary]
        self.dlq = []
        self.n = 0
        self.stop = False
        self.status_file = open(os.path.join(run_dir, "status.jsonl"), "w", buffering=1)
        self.pages_file = open(os.path.join(run_dir, "pages.jsonl"), "w", buffering=1)
        self.dlq_file = open(os.path.join(run_dir, "dlq.jsonl"), "w", buffering=1)
        self.errors = []

    def run(self):
        c = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": f"campaign-recorder-{os.getpid()}",
                      "enable.auto.commit": False, "auto.offset.reset": "earliest",
                      "isolation.level": "read_committed", "enable.partition.eof": False})
        c.assign([TopicPartition(t, p, OFFSET_BEGINNING) for t in (T_STATUS, T_RESULTS, T_DLQ) for p in range(PARTITIONS)])
        while not self.stop:
            msgs = c.consume(500, 0.5)
            for m in msgs:
                if m.error():
                    self.errors.append(str(m.error()))
                    continue
                self.handle(m)
        c.close()

    def handle(self, m):
        t = m.topic()
        recv = now()
        with self.lock:
            self.n += 1
            idx = self.n
        key = m.key().decode("utf-8", "replace") if m.key() is not None else None
        if t == T_DLQ:
            headers = {}
            for k, v in (m.headers() or []):
                if k in ("kafka_dlt-original-partition",):
                    v = int.from_bytes(v, "big", signed=True) if v is not None and len(v) == 4 else v
                elif k in ("kafka_dlt-original-offset", "kafka_dlt-original-timestamp"):
                    v = int.from_bytes(v, "big", signed=True) if v is not None and len(v) == 8 else v
                else:
                    v = v.decode("utf-8", "replace") if v is not None else None
                headers[k] = v
            rec = {"idx": idx, "key": key, "value_hex": (m.value() or b"").hex(), "headers": headers,
                   "partition": m.partition(), "offset": m.offset(), "recv": recv}
            with self.lock:
                self.dlq.append(rec)
            self.dlq_file.write(json.dumps(rec) + "\n")
            return
        try:
            v = json.loads(m.value())
        except Exception as e:
            self.errors.append(f"unparsable {t} record key={key}: {e}")
            return
        if t == T_STATUS:
            ev = {k: v.get(k) for k in ("query_id", "status", "seq", "at", "worker", "provider_query_id",
                                         "row_count", "pages", "truncated", "execution_ms")}
            ev["error"] = v.get("error")
            ev.update(idx=idx, partition=m.partition(), offset=m.offset(), key=key, recv=recv)
            with self.lock:
                self.status[v.get("query_id")].append(ev)
            self.status_file.write(json.dumps(ev) + "\n")
        else:
            rows = v.get("rows") or []
            ids = [r.get("ID") for r in rows]
            pg = {"query_id": v.get("query_id"), "page": v.get("page"), "offset": v.get("offset"),
                  "nrows": len(rows), "last": v.get("last"),
                  "ids_ok": ids == list(range(v.get("offset", 0) + 1, v.get("offset", 0) + 1 + len(rows))),
                  "digest": hashlib.sha1(m.value()).hexdigest()[:16],
                  "idx": idx, "partition": m.partition(), "koffset": m.offset(), "key": key, "recv": recv}
            with self.lock:
                self.pages[v.get("query_id")].append(pg)
            self.pages_file.write(json.dumps(pg) + "\n")

    def terminal_of(self, qid):
        with self.lock:
            for e in self.status.get(qid, ()):
                if e["status"] in TERMINAL:
                    return e["status"]
        return None


# ----------------------------------------------------------------------------------------------
# the workload plan
# ----------------------------------------------------------------------------------------------
def make_plan(n, submit_seconds, rng, prefix):
    """Returns (queries, actions): queries[qid] = spec; actions = sorted [(t, kind, qid)]."""
    queries = {}
    actions = []
    kinds = [("quick", 50), ("slow", 14), ("big", 6), ("fail", 8), ("timeout", 7), ("cancel", 8),
             ("netfault", 4), ("cancel_first", 1), ("maxrows", 2)]
    population = [k for k, w in kinds for _ in range(w)]
    for i in range(n):
        kind = rng.choice(population)
        qid = f"{prefix}-{i:05d}-{kind}"
        t = submit_seconds * i / n
        opts = {}
        expect = "SUCCEEDED"
        rows = 1
        if kind == "quick":
            d, rows = rng.randint(0, 300), rng.randint(1, 5)
            directive = f"duration_ms={d} rows={rows}"
        elif kind == "slow":
            d, rows = rng.randint(2000, 10000), rng.randint(1, 50)
            directive = f"duration_ms={d} rows={rows}"
        elif kind == "big":
            d, rows = rng.randint(0, 3000), rng.randint(2000, 8000)
            opts["page_rows"] = rng.choice([250, 500, 1000])
            directive = f"duration_ms={d} rows={rows}"
        elif kind == "maxrows":
            d, rows = rng.randint(0, 2000), rng.randint(1500, 4000)
            opts["page_rows"] = 500
            opts["max_rows"] = rng.randint(100, 1400)
            directive = f"duration_ms={d} rows={rows}"
        elif kind == "fail":
            d = rng.randint(0, 3000)
            f = rng.choice(["SQL:002003", "auth", "SQL"])
            directive = f"duration_ms={d} fail={f}"
            expect = "FAILED"
        elif kind == "timeout":
            d = rng.randint(20000, 30000)
            opts["timeout_ms"] = rng.randint(1000, 3000)
            directive = f"duration_ms={d} rows=3"
            expect = "TIMEOUT"
        elif kind == "cancel":
            d = rng.randint(20000, 30000)
            directive = f"duration_ms={d} rows=3"
            expect = "CANCELED"
            actions.append((t + rng.uniform(0.3, 2.0), "cancel", qid))
        elif kind == "cancel_first":
            d = rng.randint(1000, 5000)
            directive = f"duration_ms={d} rows=3"
            expect = "CANCELED"
            actions.append((max(0.0, t - 1.0), "cancel", qid))
        elif kind == "netfault":
            d, rows = rng.randint(0, 2000), rng.randint(1, 20)
            directive = f"duration_ms={d} rows={rows} network_faults=2"
        cmd = {"query_id": qid, "sql": f"/* mock: {directive} */ SELECT {i}"}
        if opts:
            cmd["options"] = opts
        if rng.random() < 0.1:
            cmd["tags"] = {"campaign": prefix}
        duration = d
        exp_rows = min(rows, opts.get("max_rows", rows)) if expect == "SUCCEEDED" else None
        queries[qid] = {"kind": kind, "cmd": cmd, "expect": expect, "duration": duration, "rows": rows,
                        "exp_rows": exp_rows, "truncated": opts.get("max_rows", rows + 1) < rows,
                        "t": t, "submitted": [], "canceled": None, "dup": False}
        actions.append((t, "submit", qid))
    # duplicates of earlier ids (same command again, 3-40 s later, bounded to the submit window)
    candidates = [q for q, s in queries.items() if s["kind"] in ("quick", "slow", "big", "fail", "cancel", "timeout")]
    for qid in rng.sample(candidates, min(len(candidates), max(1, n * 45 // 3000))):
        t = min(queries[qid]["t"] + rng.uniform(3, 40), submit_seconds + 2)
        queries[qid]["dup"] = True
        actions.append((t, "dup", qid))
    actions.sort(key=lambda a: a[0])
    return queries, actions


def malformed_commands(prefix):
    """(topic, key, value bytes, expects FAILED VALIDATION event for id or None)."""
    p = prefix
    return [
        (T_SUBMIT, f"{p}-m01", b'{"query_id": "' + f"{p}-m01".encode() + b'", "sql": ', f"{p}-m01"),       # bad JSON, id from key
        (T_SUBMIT, f"{p}-m02", json.dumps({"query_id": f"{p}-m02"}).encode(), f"{p}-m02"),                # missing sql
        (T_SUBMIT, f"{p}-m03", json.dumps({"query_id": f"{p}-m03", "sql": "   "}).encode(), f"{p}-m03"),  # blank sql
        (T_SUBMIT, f"{p}-m04", json.dumps({"query_id": f"{p}-m04", "sqll": "SELECT 1"}).encode(), f"{p}-m04"),  # unknown field
        (T_SUBMIT, f"{p}-m05", json.dumps({"query_id": f"{p}-m05", "sql": "SELECT 1",
                                            "options": {"page_size": 10}}).encode(), f"{p}-m05"),  # unknown option
        (T_SUBMIT, f"{p}-m06", json.dumps({"query_id": f"{p}-m06", "sql": "SELECT 1",
                                            "options": {"timeout_ms": "abc"}}).encode(), f"{p}-m06"),  # wrong type
        (T_SUBMIT, "bad id!", json.dumps({"query_id": "bad id!", "sql": "SELECT 1"}).encode(), None),  # invalid id: DLQ only
        (T_SUBMIT, f"{p}-m08", b"[1, 2, 3]", f"{p}-m08"),                                                # not an object
        (T_SUBMIT, f"{p}-m09", b"\xef\xbb\xbf" + json.dumps({"query_id": f"{p}-m09", "sql": "SELECT 1"}).encode(), f"{p}-m09"),  # BOM
        (T_SUBMIT, f"{p}-m10", json.dumps({"query_id": f"{p}-m10", "sql": "SELECT 1",
                                            "options": {"page_rows": 0}}).encode(), f"{p}-m10"),  # out of range
        (T_CANCEL, f"{p}-m11", b'{"query_id": ', None),                                                 # cancel bad JSON
        (T_CANCEL, f"{p}-m12", json.dumps({"query_id": f"{p}-m12", "reason": 42}).encode(), None),     # cancel wrong type
    ]


# ----------------------------------------------------------------------------------------------
# faults
# ----------------------------------------------------------------------------------------------
def fault_schedule(procs, log, t0, fault_log, stop_evt, schedule="standard"):
    def at(t):
        while now() < t0 + t:
            if stop_evt.is_set():
                raise SystemExit
            time.sleep(0.1)

    def note(what):
        fault_log.append((round(now() - t0, 1), what))

    schedules = {"standard": standard_schedule, "pauses": pause_schedule, "scale": scale_schedule}
    try:
        schedules[schedule](procs, at, note, log)
    except SystemExit:
        pass
    except Exception as e:
        log(f"!!! fault thread error: {e!r}")
        note(f"fault thread error {e!r}")


def standard_schedule(procs, at, note, log):
    """Deaths: two workers killed and restarted, one paused past its session timeout, the broker
    killed, a worker killed as soon as the broker is back, then a rolling SIGTERM restart."""
    for (t_kill, wid) in ((15, "w1"), (35, "w2")):
        at(t_kill)
        procs.kill9_worker(wid); note(f"kill -9 {wid}")
        at(t_kill + 5)
        procs.start_worker(wid); note(f"restart {wid}")
    at(55)
    procs.sigstop("w3"); note("SIGSTOP w3")
    at(55 + SIGSTOP_S)
    procs.sigcont("w3"); note("SIGCONT w3")
    at(85)
    procs.kill9_broker(); note("kill -9 broker")
    at(90)
    procs.start_broker(); note("restart broker")
    at(105)
    procs.kill9_worker("w3"); note("kill -9 w3")
    at(110)
    procs.start_worker("w3"); note("restart w3")
    at(125)
    for wid in ("w1", "w2", "w3"):
        rc = procs.term_worker(wid); note(f"SIGTERM {wid} rc={rc}")
        procs.start_worker(wid); note(f"restart {wid}")
        ok = procs.wait_ready(wid, 30)
        note(f"{wid} ready={ok}")
        log(f"{wid} ready={ok}")


def scale_schedule(procs, at, note, log):
    """Workers joining and leaving under load (each move of partitions a rebalance of the group):
    a fourth worker joins and leaves cleanly, joins and dies, two workers leave at once and come
    back, and the fourth joins once more and leaves while the others are busy."""
    at(20)
    procs.start_worker("w4"); note("join w4")
    at(40)
    rc = procs.term_worker("w4"); note(f"SIGTERM w4 rc={rc} (leaves)")
    at(55)
    procs.start_worker("w4"); note("join w4")
    at(75)
    procs.kill9_worker("w4"); note("kill -9 w4 (not restarted)")
    at(95)
    rcs = procs.term_workers(["w1", "w2"]); note(f"SIGTERM w1 and w2 rc={rcs} (two leave at once)")
    at(105)
    for wid in ("w1", "w2"):
        procs.start_worker(wid); note(f"restart {wid}")
    at(125)
    procs.start_worker("w4"); note("join w4")
    at(145)
    rc = procs.term_worker("w4"); note(f"SIGTERM w4 rc={rc} (leaves)")


def pause_schedule(procs, at, note, log):
    """Pauses rather than deaths: a worker paused for less than its session timeout but longer than
    its ownership lease, the broker paused and stopped cleanly, a worker paused past its session
    timeout but not its transaction timeout, a death and a pause at once, then all workers paused."""
    at(15)
    procs.sigstop("w1"); note("SIGSTOP w1")
    at(19)
    procs.sigcont("w1"); note("SIGCONT w1 (4 s: past the lease, within the session)")
    at(35)
    procs.signal_broker(signal.SIGSTOP, "SIGSTOP"); note("broker SIGSTOP")
    at(50)
    procs.signal_broker(signal.SIGCONT, "SIGCONT"); note("broker SIGCONT (15 s)")
    at(65)
    rc = procs.term_broker(); note(f"broker SIGTERM rc={rc}")
    at(70)
    procs.start_broker(); note("broker restart")
    at(90)
    procs.sigstop("w2"); note("SIGSTOP w2")
    at(98)
    procs.sigcont("w2"); note("SIGCONT w2 (8 s: past the session, within the transaction timeout)")
    at(110)
    procs.kill9_worker("w3"); note("kill -9 w3")
    procs.sigstop("w1"); note("SIGSTOP w1")
    at(115)
    procs.start_worker("w3"); note("restart w3")
    at(120)
    procs.sigcont("w1"); note("SIGCONT w1 (10 s)")
    at(135)
    for wid in WORKERS:
        procs.sigstop(wid); note(f"SIGSTOP {wid}")
    at(145)
    for wid in WORKERS:
        procs.sigcont(wid); note(f"SIGCONT {wid} (10 s, all three)")


# ----------------------------------------------------------------------------------------------
# audit
# ----------------------------------------------------------------------------------------------
def parse_mock_id(pqid):
    """mock-<start base36>-<random>[-<directives>] -> (start_ms, duration_ms)"""
    try:
        parts = pqid.split("-")
        start = int(parts[1], 36)
        d = 0
        if len(parts) > 3:
            for tok in parts[3].split("."):
                if tok.startswith("d") and tok[1:].isdigit():
                    d = int(tok[1:])
        return start, d
    except Exception:
        return None, None


# audit categories that are defects of the worker (the run fails on any); the others are information
DEFECTS = ["lost (no terminal event)", "more than one distinct terminal status", "seq naming two statuses",
           "event after terminal with different status/seq", "pages missing or extra vs terminal pages count",
           "page number published with different content", "wrong terminal status for what was asked",
           "ran twice (two provider_query_ids in events)", "ran twice (mock journal: started more than once)",
           "duplicate submit produced a second run", "malformed command not in DLQ",
           "DLQ record not sent malformed on purpose"]


def audit(queries, malformed, rec, procs, journal_path, out, fault_times=()):
    R = collections.OrderedDict()
    detail = collections.defaultdict(list)

    def flag(cat, qid, why):
        detail[cat].append({"qid": qid, "why": why})

    with rec.lock:
        status = {k: list(v) for k, v in rec.status.items()}
        pages = {k: list(v) for k, v in rec.pages.items()}
        dlq = list(rec.dlq)

    journal = collections.defaultdict(list)
    if os.path.exists(journal_path):
        for line in open(journal_path):
            parts = line.split()
            if len(parts) >= 2:
                journal[parts[0]].append(parts[1])

    submitted = {q: s for q, s in queries.items() if s["submitted"]}
    R["planned_queries"] = len(queries)
    R["submitted_queries (delivered to Kafka)"] = len(submitted)
    R["kinds"] = dict(collections.Counter(s["kind"] for s in submitted.values()))
    R["duplicate_submits_sent"] = sum(1 for s in submitted.values() if len(s["submitted"]) > 1)
    R["cancels_sent"] = sum(1 for s in submitted.values() if s["canceled"])
    R["status_events"] = sum(len(v) for v in status.values())
    R["result_pages"] = sum(len(v) for v in pages.values())
    R["dlq_records"] = len(dlq)
    term_counts = collections.Counter()
    repeated_events = 0
    repeated_pages = 0

    for qid, spec in submitted.items():
        evs = status.get(qid, [])
        terms = [e for e in evs if e["status"] in TERMINAL]
        if not terms:
            flag("lost (no terminal event)", qid, f"events={[ (e['seq'], e['status']) for e in evs]}")
            continue
        distinct_terms = {e["status"] for e in terms}
        if len(distinct_terms) > 1:
            flag("more than one distinct terminal status", qid, sorted(distinct_terms))
        first_term = terms[0]
        term_counts[first_term["status"]] += 1
        # seq naming two statuses / same seq different content
        by_seq = collections.defaultdict(set)
        at_by_seq = collections.defaultdict(set)
        for e in evs:
            by_seq[e["seq"]].add(e["status"])
            at_by_seq[e["seq"]].add((e["at"], e["worker"]))
        for s, sts in by_seq.items():
            if len(sts) > 1:
                flag("seq naming two statuses", qid, f"seq {s}: {sorted(sts)}")
        repeated_events += len(evs) - len(by_seq)
        for s, ats in at_by_seq.items():
            if len(ats) > 1:
                flag("info: one seq published with different at/worker", qid, f"seq {s}: {sorted(ats)}")
        # seq contiguity and lifecycle
        seqs = sorted(by_seq)
        if seqs != list(range(1, len(seqs) + 1)):
            flag("seq gap", qid, f"seqs={seqs}")
        order = [next(iter(by_seq[s])) for s in seqs if len(by_seq[s]) == 1]
        if order and not (order[0] == "PENDING" or order == ["CANCELED"]):
            flag("lifecycle: first event not PENDING", qid, order)
        # events after the terminal event
        seen_term = None
        for e in evs:
            if seen_term is not None and (e["status"] != seen_term["status"] or e["seq"] > seen_term["seq"]):
                flag("event after terminal with different status/seq", qid,
                     f"terminal {seen_term['status']}#{seen_term['seq']} then {e['status']}#{e['seq']} (worker {e['worker']})")
            if e["status"] in TERMINAL and seen_term is None:
                seen_term = e
        # ran twice
        pqids = sorted({e["provider_query_id"] for e in evs if e.get("provider_query_id")})
        running_pqids = sorted({e["provider_query_id"] for e in evs if e["status"] == "RUNNING" and e.get("provider_query_id")})
        if len(pqids) > 1:
            flag("ran twice (two provider_query_ids in events)", qid, pqids)
        # the workers share the mock's journal, so a take-over looks an execution up there before it
        # starts one (findStarted): no start may be repeated, a fault or not
        ran_again = len(journal.get(qid, [])) > 1
        if ran_again:
            first_start = min(parse_mock_id(x)[0] for x in journal[qid]) / 1000
            flag("ran twice (mock journal: started more than once)", qid,
                 {"starts": journal[qid],
                  "faults_after_first_start": [f for f in fault_times if 0 <= f[0] - first_start <= 40]})
        if spec["dup"] and (len(pqids) > 1 or ran_again or len(at_by_seq.get(1, ())) > 1):
            flag("duplicate submit produced a second run", qid, {"pqids": pqids, "journal": journal.get(qid, []),
                                                                  "seq1": sorted(at_by_seq.get(1, ()))})
        # pages
        pgs = pages.get(qid, [])
        by_page = collections.defaultdict(set)
        for p in pgs:
            by_page[p["page"]].add((p["offset"], p["nrows"], p["last"], p["digest"]))
        repeated_pages += len(pgs) - len(by_page)
        for pn, variants in by_page.items():
            if len(variants) > 1:
                flag("page number published with different content", qid, f"page {pn}: {len(variants)} variants")
        if any(not p["ids_ok"] for p in pgs):
            flag("page rows do not match their offset", qid, "")
        st = first_term["status"]
        npages = first_term.get("pages")
        if st == "SUCCEEDED":
            expected = set(range(npages or 0))
            got = set(by_page)
            if got != expected or not npages:
                flag("pages missing or extra vs terminal pages count", qid,
                     f"pages={npages} missing={sorted(expected - got)[:10]} extra={sorted(got - expected)[:10]}")
            else:
                nrows = sum(next(iter(by_page[p]))[1] for p in expected)
                lastflags = [next(iter(by_page[p]))[2] for p in sorted(expected)]
                if nrows != first_term.get("row_count"):
                    flag("row_count differs from rows in pages", qid, f"row_count={first_term.get('row_count')} pages_rows={nrows}")
                if lastflags[-1] is not True or any(lastflags[:-1]):
                    flag("last flag wrong", qid, lastflags)
            # pages committed before SUCCEEDED: first terminal idx should be after all distinct pages' first copies
            # (status and results are different topics, so the reader's order across them says little;
            #  only a page first seen well after SUCCEEDED is noted)
            first_recv = {}
            for p in pgs:
                first_recv.setdefault(p["page"], p["recv"])
            if first_recv and max(first_recv.values()) > first_term["recv"] + 5:
                flag("info: a page first seen >5 s after SUCCEEDED", qid,
                     f"{max(first_recv.values()) - first_term['recv']:.1f}s later")
        # expected terminal status
        exp = spec["expect"]
        kind = spec["kind"]
        if st != exp:
            ok = False
            why = f"expected {exp}, got {st}"
            if kind == "cancel" and st == "SUCCEEDED" and running_pqids:
                start_ms, d = parse_mock_id(running_pqids[0])
                acked = spec.get("cancel_acked") or spec["canceled"]
                finish = ((start_ms or 0) + (d or 0)) / 1000
                if start_ms is not None and acked and acked >= finish:
                    ok = True
                elif start_ms is not None and acked and any(
                        acked - SESSION_TIMEOUT_S - 15 <= f[0] <= finish for f in fault_times):
                    # the owner was dead, frozen or cut off from the broker while the cancel waited:
                    # the query ended in the warehouse before any worker could cancel it
                    ok = True
                    flag("info: cancel during an outage, the query finished before a worker could apply it", qid,
                         f"cancel acked {acked:.3f}, warehouse finish {finish:.3f}")
                fmt = lambda x: time.strftime('%H:%M:%S', time.gmtime(x)) + f".{int(x * 1000) % 1000:03d}" if x else None
                why += (f" (cancel produced {fmt(spec['canceled'])}Z, acked by broker {fmt(acked)}Z,"
                        f" warehouse finish {fmt(((start_ms or 0) + (d or 0)) / 1000)}Z)")
            if not ok:
                err = first_term.get("error") or {}
                flag("wrong terminal status for what was asked", qid, f"{why} error={err.get('type')}:{err.get('message')}")
        else:
            err = first_term.get("error") or {}
            if kind == "fail":
                want = "AUTH" if "fail=auth" in spec["cmd"]["sql"] else "SQL"
                if err.get("type") != want:
                    flag("wrong error type", qid, f"want {want}, got {err}")
            if kind == "cancel_first" and pqids:
                # only a defect if the cancel was in Kafka before the submit was even produced
                # (both held back by a broker outage arrive together, in no particular order across topics)
                if spec.get("cancel_acked") and spec["cancel_acked"] < spec["submitted"][0]:
                    flag("canceled-before-submit query was started", qid, pqids)
                else:
                    flag("info: cancel-first query started (cancel and submit reached Kafka together)", qid,
                         {"pqids": pqids, "cancel_acked": spec.get("cancel_acked"), "submit_produced": spec["submitted"][0]})
            if st == "SUCCEEDED":
                if first_term.get("row_count") != spec["exp_rows"]:
                    flag("wrong row_count", qid, f"expected {spec['exp_rows']} got {first_term.get('row_count')}")
                if bool(first_term.get("truncated")) != spec["truncated"]:
                    flag("wrong truncated flag", qid, f"expected {spec['truncated']} got {first_term.get('truncated')}")

    # events for ids never submitted (except malformed with readable ids)
    mal_ids = {m[3] for m in malformed if m[3]}
    for qid in status:
        if qid not in submitted and qid not in mal_ids:
            flag("events for a query id never submitted", qid, [(e["seq"], e["status"]) for e in status[qid]])

    # malformed commands -> DLQ
    dlq_keys = collections.Counter(d["key"] for d in dlq)
    for topic, key, value, vid in malformed:
        hits = [d for d in dlq if d["key"] == key and bytes.fromhex(d["value_hex"]) == value]
        if not hits:
            flag("malformed command not in DLQ", key, topic)
        else:
            h = hits[0]["headers"]
            missing = [x for x in ("kafka_dlt-exception-fqcn", "kafka_dlt-exception-message", "kafka_dlt-original-topic",
                                   "kafka_dlt-original-partition", "kafka_dlt-original-offset", "kafka_dlt-original-timestamp",
                                   "kafka_dlt-original-timestamp-type", "kafka_dlt-original-consumer-group",
                                   "queryrelay-error-type") if x not in h]
            if missing or h.get("kafka_dlt-original-topic") != topic or h.get("queryrelay-error-type") != "VALIDATION":
                flag("DLQ record headers wrong", key, {"missing": missing, "headers": h})
            if len(hits) > 1:
                flag("info: malformed command in DLQ more than once", key, len(hits))
        evs = status.get(vid or key, [])
        if vid:
            sts = [(e["seq"], e["status"], (e.get("error") or {}).get("type")) for e in evs]
            if not evs or any(s != (1, "FAILED", "VALIDATION") for s in sts):
                flag("malformed submit: FAILED VALIDATION seq 1 event missing or wrong", vid, sts)
        elif evs:
            flag("malformed command produced status events (should be DLQ only)", key, [(e["seq"], e["status"]) for e in evs])
    mal_keys = {(m[1], m[2]) for m in malformed}
    for d in dlq:
        if (d["key"], bytes.fromhex(d["value_hex"])) not in mal_keys:
            flag("DLQ record not sent malformed on purpose", d["key"], d["headers"].get("kafka_dlt-exception-message"))

    R["terminal_status_counts"] = dict(term_counts)
    R["repeated status events (same qid+seq, allowed)"] = repeated_events
    R["repeated pages (same qid+page, allowed)"] = repeated_pages
    R["journal_starts"] = sum(len(v) for v in journal.values())
    R["worker_deaths (exited by itself)"] = len(procs.deaths)
    R["broker_deaths (exited by itself)"] = len(procs.broker_deaths)
    R["consumer_errors"] = len(rec.errors)
    for cat in DEFECTS:
        R[cat] = len(detail.get(cat, []))
    for cat in sorted(detail):
        if cat not in R:
            R[cat] = len(detail[cat])
    with open(out, "w") as f:
        json.dump({"summary": R, "detail": detail, "deaths": procs.deaths, "broker_deaths": procs.broker_deaths,
                   "consumer_errors": rec.errors[:50]}, f, indent=1, default=str)
    return R, detail


def state_regressions(out):
    """Diagnostic, read-only: the workers' internal state topic (docs/operations.md), queries whose record
    went from a terminal status back to a non-terminal one."""
    c = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": f"campaign-state-{os.getpid()}", "enable.auto.commit": False,
                  "isolation.level": "read_committed"})
    md = c.list_topics("queryrelay.state", timeout=10)
    c.assign([TopicPartition("queryrelay.state", p, OFFSET_BEGINNING) for p in md.topics["queryrelay.state"].partitions])
    recs = collections.defaultdict(list)
    idle = 0
    while idle < 4:
        ms = c.consume(2000, 1.0)
        if not ms:
            idle += 1
            continue
        idle = 0
        for m in ms:
            if m.error() or m.value() is None:
                continue
            v = json.loads(m.value())
            recs[m.key().decode()].append((m.partition(), m.offset(), v.get("status"), v.get("seq"),
                                           v.get("cancel_reason"), v.get("worker")))
    c.close()
    reg = {}
    for q, rs in recs.items():
        if any(a[2] in TERMINAL and b[2] is not None and b[2] not in TERMINAL for a, b in zip(rs, rs[1:])):
            reg[q] = rs
    with open(out, "w") as f:
        json.dump(reg, f, indent=1)
    return reg


# ----------------------------------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run-dir", default=os.path.join(REPO, "bench", "target", "fault-campaign"))
    ap.add_argument("--queries", type=int, default=3000)
    ap.add_argument("--submit-seconds", type=float, default=170)
    ap.add_argument("--seed", type=int, default=20261124)
    ap.add_argument("--prefix", default="c1")
    ap.add_argument("--final-wait", type=float, default=120)
    ap.add_argument("--no-faults", action="store_true")
    ap.add_argument("--schedule", choices=("standard", "pauses", "scale"), default="standard",
                    help="standard: deaths, a long pause, a broker kill, a rolling restart; pauses: pauses of workers "
                         "and the broker; scale: a fourth worker joining and leaving, two workers leaving at once")
    args = ap.parse_args()

    run_dir = args.run_dir
    if os.path.exists(run_dir):
        if os.listdir(run_dir) and not os.path.exists(os.path.join(run_dir, "campaign.log")):
            sys.exit(f"{run_dir} exists and is not the directory of an earlier campaign; not removing it")
        subprocess.run(["rm", "-rf", run_dir], check=True)
    os.makedirs(os.path.join(run_dir, "logs"))
    log = Log(os.path.join(run_dir, "campaign.log"))
    procs = Procs(run_dir, log)
    atexit.register(procs.kill_all_now)
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, lambda *a: (procs.kill_all_now(), os._exit(130)))

    rng = random.Random(args.seed)
    queries, actions = make_plan(args.queries, args.submit_seconds, rng, args.prefix)
    malformed = malformed_commands(args.prefix)
    for i, m in enumerate(malformed):
        actions.append((5 + i * (args.submit_seconds - 10) / len(malformed), "malformed", i))
    actions.sort(key=lambda a: a[0])
    rec = Recorder(run_dir, log)
    stop_evt = threading.Event()
    fault_log = []
    try:
        procs.start_broker()
        admin = AdminClient({"bootstrap.servers": BOOTSTRAP})
        topics = [NewTopic(t, PARTITIONS, 1) for t in (T_SUBMIT, T_CANCEL, T_STATUS, T_RESULTS)]
        topics.append(NewTopic(T_DLQ, PARTITIONS, 1, config={"max.message.bytes": str(1048588 + 65536)}))
        for t, f in admin.create_topics(topics).items():
            f.result()
        log("topics created:", [t.topic for t in topics])
        threading.Thread(target=procs.monitor, daemon=True).start()
        for wid in WORKERS:
            procs.start_worker(wid)
        for wid in WORKERS:
            log(f"{wid} ready={procs.wait_ready(wid, 90)}")
        rt = threading.Thread(target=rec.run, daemon=True)
        rt.start()

        producer = Producer({"bootstrap.servers": BOOTSTRAP, "partitioner": "murmur2_random",
                             "enable.idempotence": True, "linger.ms": 5, "message.timeout.ms": 120000})
        delivery_errors = []

        def dr(kind, qid, sent):
            def cb(err, msg):
                if err is not None:
                    delivery_errors.append((kind, qid, str(err)))
                    return
                if kind in ("submit", "dup"):
                    queries[qid]["submitted"].append(sent)
                elif kind == "cancel":
                    queries[qid]["canceled"] = sent
                    queries[qid]["cancel_acked"] = now()  # the broker acknowledged it (delivery report)
            return cb

        t0 = now()
        log.t0 = t0
        ft = threading.Thread(target=fault_schedule, args=(procs, log, t0, fault_log, stop_evt, args.schedule), daemon=True)
        if not args.no_faults:
            ft.start()
        log(f"submitting {len(queries)} queries over {args.submit_seconds}s "
            f"({sum(1 for a in actions if a[1] == 'dup')} duplicates, {len(malformed)} malformed)")
        last_report = 0
        for (t, kind, ref) in actions:
            while now() < t0 + t:
                producer.poll(0.02)
            sent = now()
            if kind in ("submit", "dup"):
                producer.produce(T_SUBMIT, key=ref.encode(), value=json.dumps(queries[ref]["cmd"]).encode(),
                                 on_delivery=dr(kind, ref, sent))
            elif kind == "cancel":
                producer.produce(T_CANCEL, key=ref.encode(),
                                 value=json.dumps({"query_id": ref, "reason": "campaign cancel"}).encode(),
                                 on_delivery=dr(kind, ref, sent))
            elif kind == "malformed":
                topic, key, value, _ = malformed[ref]
                producer.produce(topic, key=key.encode(), value=value, on_delivery=dr(kind, key, sent))
            producer.poll(0)
            if now() - last_report > 15:
                last_report = now()
                with rec.lock:
                    nterm = sum(1 for v in rec.status.values() if any(e["status"] in TERMINAL for e in v))
                log(f"progress: sent up to t={t:.0f}s, queries with a terminal event: {nterm}, recorded msgs {rec.n}")
        left = producer.flush(130)
        log(f"last submit sent; producer flush left {left}; delivery errors {len(delivery_errors)}")
        if not args.no_faults:
            ft.join(timeout=240)  # let the rolling restart finish
        log("fault schedule done:", fault_log)

        deadline = now() + args.final_wait
        while now() < deadline:
            pending = [q for q, s in queries.items() if s["submitted"] and rec.terminal_of(q) is None]
            if not pending:
                break
            time.sleep(2)
        pending = [q for q, s in queries.items() if s["submitted"] and rec.terminal_of(q) is None]
        log(f"wait over: {len(pending)} submitted queries without a terminal event")
        time.sleep(3)  # a last look for late repeats
        stop_evt.set()
        rec.stop = True
        rt.join(10)
        procs.shutdown_all(broker=False)
        regressions = state_regressions(os.path.join(run_dir, "state-regressions.json"))
        procs.shutdown_all()

        R, detail = audit(queries, malformed, rec, procs, procs.journal, os.path.join(run_dir, "audit.json"),
                          [(t0 + t, w.split(' ')[0] + (' -9' if w.startswith('kill -9') else ''), w) for t, w in fault_log])
        R["delivery_errors"] = len(delivery_errors)
        R["diagnostic: state-topic records going terminal -> non-terminal (queries)"] = len(regressions)
        for q, rs in regressions.items():
            detail["diagnostic: state record terminal -> non-terminal"].append({"qid": q, "why": rs})
        R["faults"] = fault_log
        print("\n================ AUDIT ================")
        for k, v in R.items():
            print(f"{k}: {v}")
        print("\n---- details (first 15 per category) ----")
        for cat, items in sorted(detail.items()):
            print(f"## {cat}: {len(items)}")
            for it in items[:15]:
                print(f"   {it['qid']}: {it['why']}")
        for d in procs.deaths:
            print(f"## worker death {d['worker']} rc={d['rc']} at {d['at']}\n{d['tail']}")
        with open(os.path.join(run_dir, "audit-summary.json"), "w") as f:
            json.dump(R, f, indent=1, default=str)
        with open(os.path.join(run_dir, "plan.json"), "w") as f:
            json.dump(queries, f, default=str)
        failed = [cat for cat in DEFECTS if R.get(cat)] + (["worker deaths"] if procs.deaths else []) \
            + (["state records terminal -> non-terminal"] if regressions else [])
        print("\nRESULT: " + ("FAILED: " + ", ".join(failed) if failed else "passed"))
        return 1 if failed else 0
    finally:
        stop_evt.set()
        rec.stop = True
        procs.kill_all_now()


if __name__ == "__main__":
    sys.exit(main())
