#!/usr/bin/env python3
"""The measurements behind scripts/bench.sh (issue #8): tether against the field's shell approach
and against the physical limits, on real processes, a real git daemon and real files.

Run through scripts/bench.sh, which builds the Release binaries and passes their paths. Every
benchmark runs several times; the tables report median, min and max, and the ratio to the
baseline measured in the same run. With --write the tables replace the section between the
bench.sh markers in BENCHMARKS.md.
"""
import argparse
import datetime
import hashlib
import hmac
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

CLK_TCK = os.sysconf("SC_CLK_TCK")
MIB = 1024 * 1024


# ---------------------------------------------------------------- processes and numbers

class Measured:
    """Wall time, CPU (user + system, descendants included) and peak RSS of one command."""

    def __init__(self, wall, cpu, maxrss_kib, code, out):
        self.wall, self.cpu, self.maxrss_kib, self.code, self.out = wall, cpu, maxrss_kib, code, out


def measure(argv, cwd=None, env=None, check=True, peak_rss=False):
    """With peak_rss the command runs under GNU time, whose %M is the command's own peak: the
    ru_maxrss that wait4 reports would include this Python process's size, which a child
    inherits as its high-water mark until it execs."""
    rss_file = None
    if peak_rss:
        rss_file = tempfile.NamedTemporaryFile(prefix="tether-bench-rss.", delete=False)
        argv = ["/usr/bin/time", "-f", "%M", "-o", rss_file.name, *argv]
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # wait4's rusage covers the child and every descendant it waited for (git's helpers,
    # sha256sum under bash), which is what a shell approach costs.
    out_chunks = []
    reader = threading.Thread(target=lambda: out_chunks.append(proc.stdout.read()))
    err_chunks = []
    err_reader = threading.Thread(target=lambda: err_chunks.append(proc.stderr.read()))
    reader.start()
    err_reader.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    reader.join()
    err_reader.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    out = out_chunks[0].decode(errors="replace") if out_chunks else ""
    if check and proc.returncode != 0:
        err = err_chunks[0].decode(errors="replace") if err_chunks else ""
        sys.exit(f"bench: {' '.join(argv)} exited {proc.returncode}:\n{out}\n{err}")
    maxrss = usage.ru_maxrss
    if rss_file:
        with open(rss_file.name) as f:
            maxrss = int(f.read().split()[-1])
        os.unlink(rss_file.name)
    return Measured(wall, usage.ru_utime + usage.ru_stime, maxrss, proc.returncode, out)


def summary(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values)}


def percentile(values, p):
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def ms(seconds):
    return f"{seconds * 1000:.2f}" if seconds < 0.1 else f"{seconds * 1000:.0f}"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.01)
    sys.exit(f"bench: timed out after {timeout}s waiting for {what}")


def http_get(url, timeout=2.0):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode()


def process_cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime


def process_rss_kib(pid, key="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def metrics(port):
    values = {}
    for line in http_get(f"http://127.0.0.1:{port}/metrics").splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            values[name] = float(value)
    return values


def parse_time(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()


# ---------------------------------------------------------------- a state repo on loopback

def hello_manifest(name, version, release, port, deadline, keep_releases):
    """services/<name>.yaml for a hello release with an HTTP health gate on `port`."""
    commit = hashlib.sha1(f"hello-{version}".encode()).hexdigest()
    return f"""apiVersion: tether.dev/v1
kind: Service
metadata:
  name: {name}
spec:
  release:
    version: "{version}"
    commit: "{commit}"
    artifact:
      url: "file://{release['artifact']}"
      sha256: "{release['artifact_sha256']}"
    binary:
      path: bin/hello
      sha256: "{release['binary_sha256']}"
  config:
    - source: config/{name}/hello.conf
      target: etc/hello.conf
  run:
    exec:
      command: ["bin/hello", "--config", "etc/hello.conf"]
      stopTimeout: 5s
  health:
    http: {{url: "http://127.0.0.1:{port}/healthz", status: 200}}
    timeout: 1s
    interval: 20ms
    successes: 1
    deadline: {deadline}
  keepReleases: {keep_releases}
"""


class StateRepo:
    """A bare repo served by git daemon on loopback, a work clone and hello releases."""

    def __init__(self, work, repo_root, hello):
        self.work, self.repo_root, self.hello = work, repo_root, hello
        self.bare = os.path.join(work, "git", "state.git")
        self.tree = os.path.join(work, "tree")
        self.http_port = free_port()
        self.releases = {}
        git = ["git", "-c", "init.defaultBranch=main"]
        subprocess.run(git + ["init", "-q", "--bare", self.bare], check=True)
        subprocess.run(git + ["init", "-q", self.tree], check=True)
        for key, value in (("user.email", "ops@example.com"), ("user.name", "Ops")):
            self.git("config", key, value)
        self.git("remote", "add", "origin", self.bare)
        os.makedirs(os.path.join(self.tree, "config", "hello"))
        self.write_config("hello")
        self.port = free_port()
        self.daemon = subprocess.Popen(
            ["git", "daemon", "--reuseaddr", "--listen=127.0.0.1", f"--port={self.port}",
             f"--base-path={work}/git", "--export-all", f"{work}/git"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"git://127.0.0.1:{self.port}/state.git"

    def git(self, *args):
        return subprocess.run(["git", "-C", self.tree, *args], check=True,
                              stdout=subprocess.PIPE, text=True).stdout.strip()

    def write_config(self, message):
        with open(os.path.join(self.tree, "config", "hello", "hello.conf"), "w") as f:
            f.write(f"port={self.http_port}\nmessage={message}\n")

    def release(self, version, pad_bytes=0, pad_random=False):
        """Builds hello VERSION (make-release.sh); a padded binary makes a big release."""
        binary = self.hello
        if pad_bytes:
            binary = os.path.join(self.work, f"hello-{version}")
            shutil.copy(self.hello, binary)
            with open(binary, "ab") as f:
                if pad_random:
                    left = pad_bytes
                    while left:
                        chunk = os.urandom(min(left, 8 * MIB))
                        f.write(chunk)
                        left -= len(chunk)
                else:
                    f.truncate(os.path.getsize(binary) + pad_bytes)
        out = subprocess.run([os.path.join(self.repo_root, "scripts", "make-release.sh"), version,
                              os.path.join(self.work, "artifacts"), "--binary", binary],
                             check=True, stdout=subprocess.PIPE, text=True).stdout
        fields = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
        self.releases[version] = fields
        return fields

    def declare(self, version, message=None):
        r = self.releases[version]
        manifest = hello_manifest("hello", version, r, self.http_port, "10s", 3)
        os.makedirs(os.path.join(self.tree, "services"), exist_ok=True)
        with open(os.path.join(self.tree, "services", "hello.yaml"), "w") as f:
            f.write(manifest)
        self.git("add", "-A")
        self.git("commit", "-qm", message or f"hello {version}")

    def push(self):
        self.git("push", "-q", "origin", "HEAD:main")
        return self.git("rev-parse", "HEAD")

    def stop(self):
        self.daemon.terminate()
        self.daemon.wait()


def stop_service(root):
    stop_service_named(root, "hello")


def stop_service_named(root, name):
    pidfile = os.path.join(root, "services", name, "run", "exec.pid")
    try:
        pid = json.load(open(pidfile))["pid"]
        os.killpg(pid, signal.SIGTERM)
    except (OSError, ValueError, KeyError):
        pass


class Agent:
    """`tether run` as a daemon with its local API."""

    def __init__(self, tether, repo_url, root, interval, extra=(), config=None):
        self.api_port = free_port()
        self.root = root
        argv = [tether, "run", "--repo", repo_url, "--root", root, "--host-id", "bench",
                "--interval", interval, "--log-format", "json",
                "--api-listen", f"127.0.0.1:{self.api_port}", *extra]
        if config:
            argv[2:2] = ["--config", config]
        self.log_path = os.path.join(root + ".log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=self.log)
        self.kicked = False
        wait_for(self.ready, 60, "the agent's first pass")

    def ready(self):
        if self.proc.poll() is not None:
            self.log.close()
            sys.exit(f"bench: the agent exited {self.proc.returncode}:\n"
                     f"{open(self.log_path).read()[-2000:]}")
        try:
            passes = metrics(self.api_port).get("tether_reconcile_duration_seconds_count", 0)
        except OSError:
            return False
        if not self.kicked:
            # The first poll waits a random part of the jitter window (minutes with a long
            # interval); SIGHUP is "poll now", safe once the API answers (signals are blocked).
            self.proc.send_signal(signal.SIGHUP)
            self.kicked = True
        return passes >= 1

    def stop(self):
        self.proc.terminate()
        self.proc.wait()
        self.log.close()
        stop_service(self.root)


def journal_entries(root):
    path = os.path.join(root, "state", "journal.jsonl")
    if not os.path.exists(path):
        return []
    entries = []
    with open(path) as f:
        for line in f:
            try:
                entries.append(json.loads(line))
            except ValueError:
                pass
    return entries


def log_events(path, msg):
    out = []
    with open(path) as f:
        for line in f:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if event.get("msg") == msg:
                out.append(event)
    return out


# ---------------------------------------------------------------- the benchmarks

def bench_noop(args, work):
    """No-op poll with a 1 GiB binary: tether (--once and the daemon loop) vs the shell way."""
    repo = StateRepo(os.path.join(work, "noop"), args.repo_root, args.hello)
    root = os.path.join(work, "noop", "root")
    repo.release("1.0.0", pad_bytes=args.big_mib * MIB)
    repo.declare("1.0.0")
    repo.push()
    once = [args.tether, "run", "--once", "--repo", repo.url, "--root", root, "--host-id", "bench",
            "--log-level", "warn"]
    measure(once)  # installs the release (downloads, unpacks and hashes 1 GiB)
    runs = args.runs

    once_runs = [measure(once) for _ in range(runs)]

    # The shell approach: a clone kept up to date with fetch, the tip, the hashes, the link.
    clone = os.path.join(work, "noop", "clone")
    subprocess.run(["git", "clone", "-q", repo.url, clone], check=True)
    current = os.path.join(root, "services", "hello", "current")
    shell = ["bash", "-c",
             'set -e; git -C "$1" fetch -q origin main; git -C "$1" rev-parse FETCH_HEAD; '
             'sha256sum "$2/bin/hello" "$2/etc/hello.conf"; readlink "$2"',
             "shell", clone, current]
    shell_runs = [measure(shell) for _ in range(runs)]
    floor_runs = [measure(["git", "ls-remote", repo.url, "refs/heads/main"]) for _ in range(runs)]

    # The daemon loop: CPU of the agent process per poll, wall per pass from its own histogram.
    agent = Agent(args.tether, repo.url, root, "100ms", extra=["--log-level", "warn"])
    loop_cpu, loop_wall = [], []
    for _ in range(runs):
        m0, c0 = metrics(agent.api_port), process_cpu_seconds(agent.proc.pid)
        time.sleep(args.loop_seconds)
        c1, m1 = process_cpu_seconds(agent.proc.pid), metrics(agent.api_port)
        polls = m1["tether_git_polls_total"] - m0["tether_git_polls_total"]
        passes = (m1["tether_reconcile_duration_seconds_count"] -
                  m0["tether_reconcile_duration_seconds_count"])
        if m1["tether_git_fetches_total"] != m0["tether_git_fetches_total"]:
            sys.exit("bench: the no-op loop fetched; the measurement is not of a no-op poll")
        # The scrape itself costs the agent CPU too; it is included (2 scrapes per window).
        loop_cpu.append((c1 - c0) / polls)
        loop_wall.append((m1["tether_reconcile_duration_seconds_sum"] -
                          m0["tether_reconcile_duration_seconds_sum"]) / passes)
    agent.stop()
    repo.stop()
    return {
        "big_mib": args.big_mib,
        "once": {"wall": summary([r.wall for r in once_runs]),
                 "cpu": summary([r.cpu for r in once_runs])},
        "loop": {"wall": summary(loop_wall), "cpu": summary(loop_cpu)},
        "shell": {"wall": summary([r.wall for r in shell_runs]),
                  "cpu": summary([r.cpu for r in shell_runs])},
        "floor": {"wall": summary([r.wall for r in floor_runs]),
                  "cpu": summary([r.cpu for r in floor_runs])},
    }


def sign(secret, body):
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


class LoadGenerator:
    """Requests hello's /healthz back to back from one thread; counts the failures."""

    def __init__(self, port):
        self.url = f"http://127.0.0.1:{port}/healthz"
        self.ok = self.failed = 0
        self.failures = []
        self.running = True
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def loop(self):
        while self.running:
            try:
                with urllib.request.urlopen(self.url, timeout=0.5) as response:
                    response.read()
                self.ok += 1
            except OSError:
                self.failed += 1
                self.failures.append(time.time())
                time.sleep(0.001)

    def stop(self):
        self.running = False
        self.thread.join()


def bench_reaction(args, work):
    """Push -> converged with a 1 s poll and with a signed POST /sync; downtime during switches."""
    results = {}
    secret = b"bench-webhook-secret"
    for mode in ("poll", "webhook"):
        base = os.path.join(work, f"react-{mode}")
        repo = StateRepo(base, args.repo_root, args.hello)
        root = os.path.join(base, "root")
        for v in ("1.0.0", "1.0.1"):
            repo.release(v)
        repo.declare("1.0.0")
        repo.push()
        config = None
        if mode == "webhook":
            secret_file = os.path.join(base, "webhook.secret")
            with open(secret_file, "wb") as f:
                f.write(secret)
            config = os.path.join(base, "agent.yaml")
            with open(config, "w") as f:
                f.write("apiVersion: tether.dev/v1\nkind: Agent\n"
                        f"repo:\n  url: \"{repo.url}\"\n"
                        f"api:\n  webhookSecretFile: {secret_file}\n")
        interval = "1s" if mode == "poll" else "1h"
        agent = Agent(args.tether, repo.url, root, interval, config=config)
        wait_for(lambda: any(e.get("result") == "ok" for e in journal_entries(root)), 60,
                 "hello 1.0.0 installed")
        load = LoadGenerator(repo.http_port)
        totals, bring_up = [], []
        version = "1.0.0"
        for trial in range(args.trials):
            version = "1.0.1" if version == "1.0.0" else "1.0.0"
            repo.declare(version, f"trial {trial}: hello {version}")
            before = len(journal_entries(root))
            pushed_commit = repo.push()
            pushed = time.time()
            if mode == "webhook":
                body = json.dumps({"after": pushed_commit}).encode()
                request = urllib.request.Request(
                    f"http://127.0.0.1:{agent.api_port}/sync", data=body, method="POST",
                    headers={"X-Hub-Signature-256": sign(secret, body),
                             "Content-Type": "application/json"})
                urllib.request.urlopen(request, timeout=5).read()
            entry = wait_for(
                lambda: next((e for e in journal_entries(root)[before:]
                              if e.get("to", {}).get("version") == version), None),
                30, f"hello {version} converged")
            if entry.get("result") != "ok":
                sys.exit(f"bench: trial {trial} failed: {entry}")
            totals.append(parse_time(entry["time"]) - pushed)
            time.sleep(0.3 + (trial % 4) * 0.13)  # spread the pushes over the poll phase
        load.stop()
        switched = [parse_time(e["time"]) for e in log_events(agent.log_path, "switched")]
        applied = [parse_time(e["time"]) for e in log_events(agent.log_path, "applied")]
        # Each switch is followed by its start + health gate, then "applied".
        for s in switched:
            later = [a for a in applied if a >= s]
            if later:
                bring_up.append(min(later) - s)
        agent.stop()
        repo.stop()
        results[mode] = {"total": summary(totals), "p95": percentile(totals, 95),
                         "bring_up": summary(bring_up),
                         "requests_ok": load.ok, "requests_failed": load.failed,
                         "switches": len(switched)}
    return results


def bench_hash(args, work):
    """SHA-256 of a 1 GiB file: tether's path vs sha256sum vs openssl (page cache warm)."""
    path = os.path.join(work, "random.bin")
    with open(path, "wb") as f:
        for _ in range(args.big_mib // 8):
            f.write(os.urandom(8 * MIB))
    tools = {"tether": [args.sha256_tool, path], "sha256sum": ["sha256sum", path],
             "openssl": ["openssl", "dgst", "-sha256", "-r", path]}
    digests = {}
    walls = {name: [] for name in tools}
    subprocess.run(["cat", path], check=True, stdout=subprocess.DEVNULL)  # page cache warm
    for _ in range(args.runs):
        for name, argv in tools.items():
            result = measure(argv)
            walls[name].append(result.wall)
            digests[name] = result.out.split()[0]
    if len(set(digests.values())) != 1:
        sys.exit(f"bench: the tools disagree on the digest: {digests}")
    os.remove(path)
    return {name: {"wall": summary(w), "mib_s": args.big_mib / statistics.median(w)}
            for name, w in walls.items()}


def bench_footprint(args, work):
    """Peak RSS of `run --once` applying a 100 MiB artifact; binary size."""
    repo = StateRepo(os.path.join(work, "footprint"), args.repo_root, args.hello)
    repo.release("2.0.0", pad_bytes=args.artifact_mib * MIB, pad_random=True)
    artifact_bytes = os.path.getsize(repo.releases["2.0.0"]["artifact"])
    repo.declare("2.0.0")
    repo.push()
    peaks = []
    for i in range(args.runs):
        root = os.path.join(work, "footprint", f"root{i}")
        result = measure([args.tether, "run", "--once", "--repo", repo.url, "--root", root,
                          "--host-id", "bench", "--log-level", "warn"], peak_rss=True)
        peaks.append(result.maxrss_kib)
        if i == 0:
            # Idle: the daemon (API on) polling every 100 ms a host that is converged.
            agent = Agent(args.tether, repo.url, root, "100ms", extra=["--log-level", "warn"])
            idle = []
            for _ in range(args.runs):
                time.sleep(args.loop_seconds)
                idle.append(process_rss_kib(agent.proc.pid))
            agent.stop()
        stop_service(root)
        shutil.rmtree(root, ignore_errors=True)
    repo.stop()
    stripped = os.path.join(work, "tether.stripped")
    subprocess.run(["strip", "-o", stripped, args.tether], check=True)
    return {"apply_peak_kib": summary(peaks), "idle_rss_kib": summary(idle),
            "artifact_mib": artifact_bytes / MIB,
            "binary_bytes": os.path.getsize(args.tether),
            "stripped_bytes": os.path.getsize(stripped)}


def bench_micro(args):
    out = subprocess.run([args.core_bench, "--benchmark_format=json",
                          f"--benchmark_repetitions={max(3, args.runs)}",
                          "--benchmark_min_time=0.2"],
                         check=True, stdout=subprocess.PIPE, text=True).stdout
    runs = {}
    for b in json.loads(out)["benchmarks"]:
        if b.get("run_type") != "iteration":
            continue
        scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b["time_unit"]]
        runs.setdefault(b["run_name"], []).append(b["cpu_time"] * scale)
    return {name: summary(values) for name, values in runs.items()}


# ---------------------------------------------------------------- report

def machine():
    mem = next(l for l in open("/proc/meminfo") if l.startswith("MemTotal")).split()[1]
    model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                  if l.startswith("model name")), "?")
    git = subprocess.run(["git", "--version"], stdout=subprocess.PIPE, text=True).stdout.split()[-1]
    return (f"{os.cpu_count()} cores ({model}), {int(mem) / MIB:.0f} GiB RAM, "
            f"{platform.system()} {platform.release()}, git {git}")


def row(*cells):
    return "| " + " | ".join(str(c) for c in cells) + " |"


def triple(s, fmt):
    return fmt(s["median"]), fmt(s["min"]), fmt(s["max"])


def verdict(ok):
    return "**met**" if ok else "**not met**"


def report(r, args, load_before):
    lines = []
    now = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    lines.append(f"`{args.command}` ({now}, {args.preset} build, "
                 f"{args.runs} runs each; machine: {machine()}; load average before: "
                 f"{load_before}). Median (min-max).")
    lines.append("")
    if "noop" in r:
        n = r["noop"]
        lines.append(f"### No-op poll (nothing changed; service binary of {n['big_mib']} MiB)")
        lines.append("")
        lines.append(row("what", "wall ms", "CPU ms", "CPU vs shell baseline"))
        lines.append(row("---", "---", "---", "---"))
        shell_cpu = n["shell"]["cpu"]["median"]

        def line(name, m):
            w, c = m["wall"], m["cpu"]
            lines.append(row(name, f"{ms(w['median'])} ({ms(w['min'])}-{ms(w['max'])})",
                             f"{ms(c['median'])} ({ms(c['min'])}-{ms(c['max'])})",
                             f"{shell_cpu / c['median']:.0f}x less" if c["median"] > 0 else "-"))
        line("tether daemon loop, per poll", n["loop"])
        line("`tether run --once` (whole process)", n["once"])
        line("shell: git fetch + rev-parse + sha256sum + readlink", n["shell"])
        line("floor: one `git ls-remote`", n["floor"])
        lines.append("")
        loop_cpu = n["loop"]["cpu"]["median"]
        loop_wall = n["loop"]["wall"]["median"]
        floor_wall = n["floor"]["wall"]["median"]
        lines.append(
            f"Goals: loop CPU <= 2 ms per poll: {ms(loop_cpu)} ms, {verdict(loop_cpu <= 0.002)}; "
            f"wall <= 3 x the ls-remote floor: {loop_wall / floor_wall:.2f} x, "
            f"{verdict(loop_wall <= 3 * floor_wall)}; >= 50 x less CPU than the shell baseline: "
            f"{shell_cpu / loop_cpu:.0f} x, {verdict(shell_cpu / loop_cpu >= 50)}. The loop's wall "
            "time is its own reconcile histogram (tether_reconcile_duration_seconds sum/count); "
            "its CPU is the agent process's utime+stime over a window divided by the polls in "
            "it (the /metrics scrapes that read them are included). The floor and the shell run "
            "as separate processes, so their figures include process start-up, like `--once`.")
        lines.append("")
    if "reaction" in r:
        lines.append("### Reaction time: push -> converged (one host, hello upgrade/downgrade)")
        lines.append("")
        lines.append(row("trigger", "median ms", "p95 ms", "min-max ms", "of which start + health",
                         "requests ok / failed during the switches"))
        lines.append(row("---", "---", "---", "---", "---", "---"))
        for mode, label in (("poll", "poll every 1s"), ("webhook", "signed POST /sync")):
            m = r["reaction"][mode]
            t = m["total"]
            lines.append(row(label, ms(t["median"]), ms(m["p95"]),
                             f"{ms(t['min'])}-{ms(t['max'])}",
                             f"{ms(m['bring_up']['median'])} ms",
                             f"{m['requests_ok']} / {m['requests_failed']} ({m['switches']} switches)"))
        lines.append("")
        poll, hook = r["reaction"]["poll"], r["reaction"]["webhook"]
        lines.append(
            f"Measured from the end of `git push` to the journal entry of the applied change "
            f"({args.trials} trials each; the health gate probes every 20 ms, 1 success). Goals: "
            f"poll p95 <= interval + 1 s: {ms(poll['p95'])} ms, {verdict(poll['p95'] <= 2.0)}; "
            f"webhook <= 300 ms + probe time: median {ms(hook['total']['median'])} ms with "
            f"{ms(hook['bring_up']['median'])} ms of start + health, "
            f"{verdict(hook['total']['median'] - hook['bring_up']['median'] <= 0.3)}. Failed "
            "requests: a load generator requests hello's /healthz back to back during all "
            "trials; an exec restart stops the old process before the new one binds the port.")
        lines.append("")
    if "hash" in r:
        h = r["hash"]
        lines.append(f"### SHA-256 of a {args.big_mib} MiB file (page cache warm)")
        lines.append("")
        lines.append(row("tool", "MiB/s", "wall ms median (min-max)", "vs openssl"))
        lines.append(row("---", "---", "---", "---"))
        for name, label in (("tether", "tether (`tether-sha256`, the agent's path)"),
                            ("openssl", "`openssl dgst -sha256`"), ("sha256sum", "`sha256sum`")):
            w = h[name]["wall"]
            lines.append(row(label, f"{h[name]['mib_s']:.0f}",
                             f"{ms(w['median'])} ({ms(w['min'])}-{ms(w['max'])})",
                             f"{h[name]['mib_s'] / h['openssl']['mib_s']:.2f}"))
        ratio = h["tether"]["mib_s"] / h["openssl"]["mib_s"]
        lines.append("")
        lines.append(f"Goal >= 0.9 x openssl: {ratio:.2f} x, {verdict(ratio >= 0.9)}.")
        lines.append("")
    if "footprint" in r:
        f = r["footprint"]
        idle = f["idle_rss_kib"]
        peak = f["apply_peak_kib"]
        lines.append("### Footprint")
        lines.append("")
        lines.append(row("what", "figure", "goal"))
        lines.append(row("---", "---", "---"))
        lines.append(row("idle RSS of the daemon (API on, polling every 100 ms, sampled "
                         f"{idle['n']} times {args.loop_seconds} s apart)",
                         f"{idle['median'] / 1024:.1f} MiB ({idle['min'] / 1024:.1f}-"
                         f"{idle['max'] / 1024:.1f})",
                         f"<= 20 MiB: {verdict(idle['max'] <= 20 * 1024)}"))
        lines.append(row(f"peak RSS of `run --once` applying a {f['artifact_mib']:.0f} MiB artifact",
                         f"{peak['median'] / 1024:.1f} MiB ({peak['min'] / 1024:.1f}-"
                         f"{peak['max'] / 1024:.1f})",
                         f"<= 40 MiB: {verdict(peak['max'] <= 40 * 1024)}"))
        lines.append(row("binary size (RelWithDebInfo / stripped)",
                         f"{f['binary_bytes'] / MIB:.1f} MiB / {f['stripped_bytes'] / MIB:.1f} MiB",
                         "-"))
        lines.append("")
    if "micro" in r:
        lines.append("### Micro-benchmarks (Google Benchmark, `tether_core_bench`, CPU time)")
        lines.append("")
        lines.append(row("benchmark", "median", "min", "max"))
        lines.append(row("---", "---", "---", "---"))

        def fmt(s):
            return f"{s * 1e6:.1f} us" if s < 1e-3 else f"{s * 1e3:.2f} ms"
        for name, s in r["micro"].items():
            lines.append(row(f"`{name}`", *triple(s, fmt)))
        lines.append("")
        lines.append("`switch_current_link` is the switch itself (symlink under a temp name, "
                     "rename over `current`) on this machine's disk; `load_state_repo/1000` parses "
                     "and validates a 1,000-service state repo; `plan_*` plan 1,000 services.")
        lines.append("")
    if "scale" in r:
        import bench_scale
        lines.append(bench_scale.report_scale(r["scale"]))
        lines.append("")
    return "\n".join(lines)


BEGIN = "<!-- scripts/bench.sh: begin (generated; do not edit by hand) -->"
END = "<!-- scripts/bench.sh: end -->"


def write_section(path, text):
    content = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
    block = f"{BEGIN}\n{text}\n{END}"
    if BEGIN in content and END in content:
        content = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: block, content,
                         flags=re.S)
    else:
        content = content.rstrip("\n") + "\n\n## Performance and footprint (issue #8)\n\n" + block + "\n"
    with open(path, "w") as f:
        f.write(content)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--repo-root", required=True)
    p.add_argument("--tether", required=True)
    p.add_argument("--hello", required=True)
    p.add_argument("--sha256-tool", required=True)
    p.add_argument("--core-bench", required=True)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--preset", default="release", help="the CMake preset the binaries come from")
    p.add_argument("--command", default="scripts/bench.sh", help="how bench.sh was run, for the report")
    p.add_argument("--only", default="noop,reaction,hash,footprint,micro,scale")
    p.add_argument("--baseline-tether", help="another tether binary to measure beside this one "
                   "in the scaling table (scale)")
    p.add_argument("--scale-sizes", default="1,10,100,300",
                   help="service counts of the scaling table")
    p.add_argument("--history-commits", type=int, default=10000,
                   help="commits behind the tip of the scaling table's history row (0: none)")
    p.add_argument("--write", help="BENCHMARKS.md to rewrite the generated section of")
    p.add_argument("--json", help="also write the raw figures here")
    args = p.parse_args()
    args.runs = 3 if args.quick else 7
    args.trials = 6 if args.quick else 20
    args.big_mib = 1024
    args.artifact_mib = 100
    args.loop_seconds = 2 if args.quick else 5
    args.scale_runs = 2 if args.quick else 3
    args.scale_sizes = [int(n) for n in args.scale_sizes.split(",")]
    load_before = open("/proc/loadavg").read().split()[:3]
    work = tempfile.mkdtemp(prefix="tether-bench.")
    results = {}
    try:
        for name in args.only.split(","):
            print(f"==> {name}", file=sys.stderr, flush=True)
            if name == "noop":
                results[name] = bench_noop(args, work)
            elif name == "reaction":
                results[name] = bench_reaction(args, work)
            elif name == "hash":
                results[name] = bench_hash(args, work)
            elif name == "footprint":
                results[name] = bench_footprint(args, work)
            elif name == "micro":
                results[name] = bench_micro(args)
            elif name == "scale":
                import bench_scale  # the scaling table (issue #22) lives in its own file
                results[name] = bench_scale.bench_scale(args, work)
            else:
                sys.exit(f"bench: unknown benchmark '{name}'")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = report(results, args, " ".join(load_before))
    print(text)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    if args.write:
        write_section(args.write, text)
        print(f"bench: rewrote the generated section of {args.write}", file=sys.stderr)


if __name__ == "__main__":
    main()
