#!/usr/bin/python3
"""Measurements for scripts/fleet-sim.sh (run by it; stdlib only).

The run directory DIR holds hosts.tsv (host, root, api port, agent pid; written by the shell
script), git-daemon.pid, stats.jsonl (one JSON object per measurement, appended here),
convergence.csv and summary.txt.

  ready   DIR TIMEOUT                 wait until every agent answers /status with a finished pass
  idle    DIR SECONDS                 CPU, polls and fetches over a quiet window
  change  DIR NAME VERSION COMMIT TIMEOUT -- PUSH-COMMAND...
                                      run the push, then wait until every host journaled the
                                      switch to VERSION at COMMIT: per host push->converged
  proxy   PORT TARGET-PORT LOG        a counting TCP proxy on 127.0.0.1 (bytes per connection)
  probe   DIR LABEL PROXY-LOG -- COMMAND...
                                      run COMMAND (an agent pass through the proxy), record the
                                      bytes of each Git connection it made
  rss     DIR                         agents' VmRSS / VmHWM
  summary DIR                         summary.txt from stats.jsonl and convergence.csv
"""

import concurrent.futures
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import datetime, timezone

CLK_TCK = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------------------------------
# Inputs written by the shell script


def read_hosts(run_dir):
    hosts = []
    with open(os.path.join(run_dir, "hosts.tsv")) as f:
        for line in f:
            if not line.strip():
                continue
            host, root, port, pid = line.rstrip("\n").split("\t")
            hosts.append({"host": host, "root": root, "port": int(port), "pid": int(pid)})
    return hosts


def daemon_pid(run_dir):
    with open(os.path.join(run_dir, "git-daemon.pid")) as f:
        return int(f.read().strip())


def git_server_cpu(run_dir, table):
    """CPU seconds of the Git server so far: its cpuacct cgroup when fleet-sim.sh made one (it
    counts every process that ran in it, reaped or not), else its process tree."""
    cgroup_file = os.path.join(run_dir, "git-cgroup")
    if os.path.exists(cgroup_file):
        with open(cgroup_file) as f:
            cgroup = f.read().strip()
        try:
            with open(os.path.join(cgroup, "cpuacct.usage")) as f:
                return int(f.read()) / 1e9
        except OSError:
            pass
    return tree_cpu([daemon_pid(run_dir)], table)


def append_stat(run_dir, obj):
    with open(os.path.join(run_dir, "stats.jsonl"), "a") as f:
        f.write(json.dumps(obj) + "\n")


def read_stats(run_dir):
    path = os.path.join(run_dir, "stats.jsonl")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


# ---------------------------------------------------------------------------------------------
# /proc


def proc_stat(pid):
    """(ppid, utime+stime+cutime+cstime in seconds) of a process, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            data = f.read()
    except OSError:
        return None
    fields = data[data.rindex(")") + 2:].split()
    # fields[0] is field 3 (state): ppid = field 4, utime..cstime = fields 14..17.
    ppid = int(fields[1])
    ticks = sum(int(x) for x in fields[11:15])
    return ppid, ticks / CLK_TCK


def all_processes():
    table = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            st = proc_stat(int(name))
            if st is not None:
                table[int(name)] = st
    return table


def tree_cpu(root_pids, table=None):
    """CPU seconds of processes and their descendants: own time plus reaped children (cutime,
    cstime) plus the live descendants' own and reaped time, so that a child counts once whether
    or not it has been reaped yet."""
    table = table if table is not None else all_processes()
    children = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    total = 0.0
    stack = [p for p in root_pids if p in table]
    seen = set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += table[pid][1]
        stack.extend(children.get(pid, []))
    return total


def own_cpu(pids, table):
    return sum(table[p][1] for p in pids if p in table)


def machine_cpu():
    """(busy seconds, total seconds) over all cores since boot, from /proc/stat."""
    with open("/proc/stat") as f:
        parts = f.readline().split()[1:]
    values = [int(x) for x in parts]
    idle = values[3] + values[4]  # idle + iowait
    total = sum(values[:8])  # without guest time (already in user)
    return (total - idle) / CLK_TCK, total / CLK_TCK


def tcp_counters():
    """Machine-wide TCP counters that show a full listen queue: SYNs dropped because a listen
    backlog overflowed (git daemon listens with a backlog of 5) and the clients' SYN retries."""
    with open("/proc/net/netstat") as f:
        lines = f.read().splitlines()
    for head, values in zip(lines[::2], lines[1::2]):
        if head.startswith("TcpExt:"):
            table = dict(zip(head.split()[1:], (int(v) for v in values.split()[1:])))
            return {k: table.get(k, 0) for k in ("ListenOverflows", "ListenDrops", "TCPSynRetrans")}
    return {}


def loadavg():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


# ---------------------------------------------------------------------------------------------
# Agents' HTTP API


def http_get(port, path, timeout=5.0):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as r:
        return r.read().decode()


def scrape_counters(hosts):
    """Sums of the agents' git counters; hosts that did not answer are counted."""
    names = ("tether_git_polls_total", "tether_git_fetches_total", "tether_git_poll_errors_total",
             "tether_reconcile_duration_seconds_sum", "tether_reconcile_duration_seconds_count")

    def one(h):
        try:
            text = http_get(h["port"], "/metrics")
        except OSError:
            return None
        out = {}
        for line in text.splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] in names:
                out[parts[0]] = float(parts[1])
        return out

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        results = list(pool.map(one, hosts))
    sums = {n: 0.0 for n in names}
    missing = 0
    for r in results:
        if r is None:
            missing += 1
            continue
        for n in names:
            sums[n] += r.get(n, 0.0)
    return {"polls": sums[names[0]], "fetches": sums[names[1]], "poll_errors": sums[names[2]],
            "pass_seconds": sums[names[3]], "passes": sums[names[4]], "unanswered": missing}


def mean_pass(c0, c1):
    """Mean duration of the agents' reconcile passes between two scrapes (ls-remote included)."""
    n = c1["passes"] - c0["passes"]
    return (c1["pass_seconds"] - c0["pass_seconds"]) / n if n > 0 else float("nan")


def statuses(hosts):
    def one(h):
        try:
            return json.loads(http_get(h["port"], "/status"))
        except (OSError, ValueError):
            return None

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        return list(pool.map(one, hosts))


def snapshot(run_dir, hosts):
    table = all_processes()
    busy, total = machine_cpu()
    return {
        "t": time.time(),
        "git_cpu": git_server_cpu(run_dir, table),
        "agent_cpu": own_cpu([h["pid"] for h in hosts], table),
        "machine_busy": busy,
        "machine_total": total,
        "load": loadavg(),
        "tcp": tcp_counters(),
    }


def delta(before, after):
    wall = after["t"] - before["t"]
    return {
        "wall": wall,
        "git_cpu": after["git_cpu"] - before["git_cpu"],
        "agent_cpu": after["agent_cpu"] - before["agent_cpu"],
        # cores busy over the window, all processes of the machine
        "machine_busy_cores": (after["machine_busy"] - before["machine_busy"]) / wall if wall else 0,
        "load_end": after["load"],
        "tcp": {k: after["tcp"][k] - before["tcp"].get(k, 0) for k in after["tcp"]},
    }


# ---------------------------------------------------------------------------------------------
# Subcommands


def cmd_ready(run_dir, timeout):
    hosts = read_hosts(run_dir)
    deadline = time.time() + float(timeout)
    pending = list(hosts)
    while pending and time.time() < deadline:
        results = statuses(pending)
        pending = [h for h, s in zip(pending, results) if not (s and s.get("lastPass"))]
        if pending:
            time.sleep(1.0)
    if pending:
        names = ", ".join(h["host"] for h in pending[:10])
        sys.exit(f"{len(pending)} agent(s) did not finish a first pass in {timeout}s: {names}")
    print(f"all {len(hosts)} agents finished a first pass")


def cmd_idle(run_dir, seconds):
    hosts = read_hosts(run_dir)
    c0 = scrape_counters(hosts)
    s0 = snapshot(run_dir, hosts)
    time.sleep(float(seconds))
    s1 = snapshot(run_dir, hosts)
    c1 = scrape_counters(hosts)
    d = delta(s0, s1)
    d.update({"kind": "idle", "polls": c1["polls"] - c0["polls"],
              "fetches": c1["fetches"] - c0["fetches"],
              "poll_errors": c1["poll_errors"] - c0["poll_errors"], "mean_pass": mean_pass(c0, c1)})
    append_stat(run_dir, d)
    per_poll = d["git_cpu"] / d["polls"] * 1000 if d["polls"] else float("nan")
    print(f"idle {d['wall']:.1f}s: {d['polls']:.0f} polls, {d['fetches']:.0f} fetches, "
          f"git CPU {d['git_cpu']:.2f}s ({per_poll:.2f} ms/poll), "
          f"agents CPU {d['agent_cpu']:.2f}s, machine busy {d['machine_busy_cores']:.2f} cores, "
          f"mean pass {d['mean_pass'] * 1000:.0f} ms, load {d['load_end'][0]:.2f}, listen overflows {d['tcp'].get('ListenOverflows', 0)}")


def parse_time(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp()


class JournalTail:
    """Reads the lines appended to a journal since the last call."""

    def __init__(self, path):
        self.path = path
        try:
            self.offset = os.stat(path).st_size
        except OSError:
            self.offset = 0
        self.rest = b""

    def new_entries(self):
        try:
            size = os.stat(self.path).st_size
        except OSError:
            return []
        if size <= self.offset:
            return []
        with open(self.path, "rb") as f:
            f.seek(self.offset)
            data = f.read(size - self.offset)
        self.offset += len(data)
        data = self.rest + data
        lines = data.split(b"\n")
        self.rest = lines.pop()
        out = []
        for line in lines:
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
        return out


def cmd_change(run_dir, name, version, commit, timeout, push):
    hosts = read_hosts(run_dir)
    tails = {h["host"]: JournalTail(os.path.join(h["root"], "state", "journal.jsonl")) for h in hosts}
    c0 = scrape_counters(hosts)
    s0 = snapshot(run_dir, hosts)
    t0 = time.time()
    subprocess.run(push, check=True)
    t1 = time.time()
    deadline = t1 + float(timeout)
    done, failed = {}, {}
    pending = set(tails)
    peak_load = loadavg()[0]
    while pending and time.time() < deadline:
        for host in list(pending):
            for e in tails[host].new_entries():
                if e.get("stateCommit") != commit or e.get("service") != "app":
                    continue
                to = e.get("to") or {}
                if e.get("result") == "ok" and to.get("version") == version:
                    done[host] = parse_time(e["time"]) - t0
                    pending.discard(host)
                    break
                if e.get("result") != "ok":
                    failed[host] = e.get("error", "failed")
                    pending.discard(host)
                    break
        peak_load = max(peak_load, loadavg()[0])
        if pending:
            time.sleep(0.5)  # the journal times say when; this only finds them
    s1 = snapshot(run_dir, hosts)
    c1 = scrape_counters(hosts)
    # Every agent must also say so itself: converged to this commit and version.
    not_converged = []
    for h, s in zip(hosts, statuses(hosts)):
        svc = next((x for x in (s or {}).get("services", []) if x.get("service") == "app"), None)
        ok = (s is not None and s.get("desiredCommit") == commit and svc is not None
              and svc.get("state") == "converged" and (svc.get("current") or {}).get("version") == version)
        if not ok:
            not_converged.append(h["host"])
    with open(os.path.join(run_dir, "convergence.csv"), "a") as f:
        for h in hosts:
            host = h["host"]
            value = f"{done[host]:.3f}" if host in done else "NA"
            f.write(f"{host},{name},{value}\n")
    d = delta(s0, s1)
    d.update({
        "kind": "change", "name": name, "version": version, "commit": commit,
        "push_seconds": t1 - t0, "converged": len(done), "failed": failed,
        "timed_out": sorted(pending), "status_not_converged": not_converged,
        "polls": c1["polls"] - c0["polls"], "fetches": c1["fetches"] - c0["fetches"],
        "poll_errors": c1["poll_errors"] - c0["poll_errors"], "unanswered": c1["unanswered"],
        "mean_pass": mean_pass(c0, c1),
        "peak_load1": peak_load, "hosts": len(hosts),
    })
    append_stat(run_dir, d)
    values = sorted(done.values())
    line = (f"{name} ({version}): {len(done)}/{len(hosts)} converged"
            + (f", p50 {pct(values, 50):.2f}s p99 {pct(values, 99):.2f}s max {values[-1]:.2f}s" if values else "")
            + f"; {d['fetches']:.0f} fetches; git CPU {d['git_cpu']:.2f}s; load {d['load_end'][0]:.2f}")
    print(line)
    if pending or failed or not_converged:
        print(f"  not converged: {len(pending)} timed out, {len(failed)} failed, "
              f"{len(not_converged)} not converged per /status", file=sys.stderr)
        return 1
    return 0


def cmd_proxy(port, target, log_path):
    """Forwards 127.0.0.1:PORT to 127.0.0.1:TARGET; one line 'up down' (bytes client->server,
    server->client) per connection, written when it closes."""
    lock = threading.Lock()
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", int(port)))
    server.listen(64)

    def pump(src, dst, counter, key):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                counter[key] += len(data)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            try:
                dst.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    def handle(client):
        upstream = socket.create_connection(("127.0.0.1", int(target)))
        counter = {"up": 0, "down": 0}
        a = threading.Thread(target=pump, args=(client, upstream, counter, "up"))
        b = threading.Thread(target=pump, args=(upstream, client, counter, "down"))
        a.start(); b.start(); a.join(); b.join()
        client.close(); upstream.close()
        with lock, open(log_path, "a") as f:
            f.write(f"{counter['up']} {counter['down']}\n")

    while True:
        client, _ = server.accept()
        threading.Thread(target=handle, args=(client,), daemon=True).start()


def cmd_probe(run_dir, label, log_path, command):
    def lines():
        try:
            with open(log_path) as f:
                return f.read().splitlines()
        except OSError:
            return []

    before = len(lines())
    rc = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    time.sleep(0.3)  # the proxy writes a connection's line when both directions closed
    conns = [tuple(int(x) for x in line.split()) for line in lines()[before:]]
    append_stat(run_dir, {"kind": "probe", "label": label, "rc": rc, "connections": conns})
    print(f"probe {label}: rc {rc}, connections (up, down bytes): {conns}")


def cmd_rss(run_dir):
    hosts = read_hosts(run_dir)
    rss, hwm, threads, anon, pss = [], [], [], [], []
    for h in hosts:
        try:
            with open(f"/proc/{h['pid']}/status") as f:
                fields = dict(line.split(":", 1) for line in f if ":" in line)
            # Pss shares the libraries' pages out among the processes mapping them: the sum
            # over the agents is what they cost together (RSS counts shared pages in each).
            with open(f"/proc/{h['pid']}/smaps_rollup") as f:
                rollup = dict(line.split(":", 1) for line in f.read().splitlines()[1:] if ":" in line)
        except OSError:
            continue
        rss.append(int(fields["VmRSS"].split()[0]))
        hwm.append(int(fields["VmHWM"].split()[0]))
        anon.append(int(fields["RssAnon"].split()[0]))
        threads.append(int(fields["Threads"]))
        pss.append(int(rollup["Pss"].split()[0]))
    append_stat(run_dir, {"kind": "rss", "rss_kib": rss, "hwm_kib": hwm, "threads": threads,
                          "anon_kib": anon, "pss_kib": pss})
    if rss:
        print(f"agent RSS: median {statistics.median(rss) / 1024:.1f} MiB, max {max(rss) / 1024:.1f} MiB "
              f"(peak {max(hwm) / 1024:.1f} MiB), {sum(rss) / 1024 / 1024:.2f} GiB for {len(rss)} agents")


def cmd_logs(run_dir, log_dir):
    """Counts the agents' warning and error log lines by message (with a sample of each)."""
    counts, samples = {}, {}
    for name in sorted(os.listdir(log_dir)):
        with open(os.path.join(log_dir, name), errors="replace") as f:
            for line in f:
                try:
                    e = json.loads(line)
                except ValueError:
                    continue
                if e.get("level") in ("warning", "warn", "error", "critical"):
                    key = f"{e.get('level')}: {e.get('msg')}"
                    counts[key] = counts.get(key, 0) + 1
                    samples.setdefault(key, {k: v for k, v in e.items() if k not in ("time", "level", "msg")})
    append_stat(run_dir, {"kind": "logs", "counts": counts, "samples": samples})
    for key, count in sorted(counts.items(), key=lambda kv: -kv[1]):
        print(f"  {count:>6} x {key}  e.g. {json.dumps(samples[key])[:300]}")


def pct(sorted_values, p):
    """Nearest-rank percentile."""
    if not sorted_values:
        return float("nan")
    k = max(1, -(-len(sorted_values) * p // 100))
    return sorted_values[int(k) - 1]


def cmd_summary(run_dir, meta_json):
    meta = json.loads(meta_json)
    stats = read_stats(run_dir)
    rows = {}
    with open(os.path.join(run_dir, "convergence.csv")) as f:
        for line in f:
            host, change, seconds = line.strip().split(",")
            if host == "host":
                continue
            rows.setdefault(change, []).append(None if seconds == "NA" else float(seconds))
    idles = [s for s in stats if s["kind"] == "idle"]
    changes = [s for s in stats if s["kind"] == "change"]
    probes = {s["label"]: s for s in stats if s["kind"] == "probe"}
    rss = next((s for s in stats if s["kind"] == "rss"), None)
    logs = next((s for s in stats if s["kind"] == "logs"), None)
    out = []
    w = out.append
    server = {"daemon": "git daemon --max-connections=0 (listen backlog 5)",
              "socket": "systemd-socket-activate --accept (backlog 4096) + git-daemon --inetd",
              "http": "smart HTTP: nginx (ref advertisement cached 1 s) + fcgiwrap + git http-backend"}
    if meta.get("git_server") == "http" and meta.get("pack_cache"):
        server["http"] += "; fetches cached by request body (pack cache)"
    protocol = ("smart HTTP, protocol v0, through nginx" if meta.get("git_server") == "http"
                else "git:// protocol v0")
    w(f"tether fleet simulation: {meta['n']} agents, poll interval {meta['interval']} "
      f"(jitter 10%), one Git server on loopback: {server.get(meta.get('git_server'), '?')}")
    w(f"date {meta['date']}, tether {meta['tether']}")
    if meta.get("service"):
        w(f"service: bin/app as {'a copy of coreutils sleep' if meta['service'] == 'binary' else 'a shell script that execs sleep'}")
    w(f"machine: {meta['machine']}")
    w(f"load average before the agents started: {meta['load_before']}")
    w(f"agents started in {meta['start_seconds']}s ({meta['start_rate']}/s)")
    w("")
    w("push -> converged per host (seconds; the agent's journal time of the applied change minus")
    w("the time the push started; nearest-rank percentiles; inf: not converged before the timeout)")
    w(f"{'change':<10} {'hosts':>7} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>6} {'fetches':>8} "
      f"{'git CPU s':>9} {'window s':>8} {'busy cores':>10} {'load1':>6}")
    goal = None
    interval_s = meta["interval_seconds"]
    for c in changes:
        # A host that did not converge before the timeout counts as infinitely late.
        values = sorted(float("inf") if v is None else v for v in rows.get(c["name"], []))
        converged = sum(1 for v in values if v != float("inf"))
        p = {q: pct(values, q) for q in (50, 95, 99)}
        mx = values[-1] if values else float("nan")
        w(f"{c['name']:<10} {converged:>3}/{c['hosts']:<3} {p[50]:>6.2f} {p[95]:>6.2f} {p[99]:>6.2f} "
          f"{mx:>6.2f} {c['fetches']:>8.0f} {c['git_cpu']:>9.2f} {c['wall']:>8.1f} "
          f"{c['machine_busy_cores']:>10.2f} {c['load_end'][0]:>6.2f}")
        if c["name"] == "revert":
            goal = (p[99], converged == c["hosts"])
    w("")
    for c in changes:
        problems = []
        if c["failed"]:
            problems.append(f"failed on {len(c['failed'])}: {list(c['failed'].items())[:3]}")
        if c["timed_out"]:
            problems.append(f"timed out on {len(c['timed_out'])}: {c['timed_out'][:5]}")
        if c["status_not_converged"]:
            problems.append(f"/status not converged on {len(c['status_not_converged'])}")
        if c["poll_errors"]:
            problems.append(f"{c['poll_errors']:.0f} poll errors")
        if c["tcp"].get("ListenOverflows") or c["tcp"].get("TCPSynRetrans"):
            problems.append(f"{c['tcp'].get('ListenOverflows', 0)} SYNs dropped on a full listen queue, "
                            f"{c['tcp'].get('TCPSynRetrans', 0)} SYN retransmits (1 s each)")
        if c["unanswered"]:
            problems.append(f"{c['unanswered']} agents did not answer /metrics")
        w(f"{c['name']}: push took {c['push_seconds'] * 1000:.0f} ms; {c['polls']:.0f} polls in the window, "
          f"mean agent pass {c['mean_pass'] * 1000:.0f} ms; agents CPU {c['agent_cpu']:.1f}s; "
          f"peak load1 {c['peak_load1']:.2f}" + ("; " + "; ".join(problems) if problems else ""))
    if idles:
        polls = sum(i["polls"] for i in idles)
        git = sum(i["git_cpu"] for i in idles)
        agents = sum(i["agent_cpu"] for i in idles)
        wall = sum(i["wall"] for i in idles)
        busy = sum(i["machine_busy_cores"] * i["wall"] for i in idles) / wall
        w("")
        w(f"quiet polling ({len(idles)} windows, {wall:.0f}s, no change): {polls / wall:.1f} polls/s, "
          f"{sum(i['fetches'] for i in idles):.0f} fetches, {sum(i['poll_errors'] for i in idles):.0f} poll errors")
        w(f"  Git server CPU {git:.2f}s = {git / wall:.3f} cores = {git / polls * 1000:.2f} ms per ls-remote")
        w(f"  agents CPU {agents:.2f}s = {agents / wall:.3f} cores = {agents / polls * 1000:.2f} ms per quiet poll")
        overflows = sum(i["tcp"].get("ListenOverflows", 0) for i in idles)
        retrans = sum(i["tcp"].get("TCPSynRetrans", 0) for i in idles)
        passes = [i["mean_pass"] for i in idles if i["mean_pass"] == i["mean_pass"]]
        if passes:
            w(f"  mean agent pass (ls-remote, no fetch) {statistics.mean(passes) * 1000:.0f} ms")
        w(f"  listen queue overflows (SYNs dropped) {overflows}, SYN retransmits {retrans}")
        w(f"  whole machine busy {busy:.2f} of {meta['cores']} cores (others: {busy - (git + agents) / wall:.2f})")
        per_poll = git / polls if polls else 0.0
        for c in changes:
            extra = c["git_cpu"] - per_poll * c["polls"]
            if c["fetches"]:
                w(f"  {c['name']}: git CPU beyond its {c['polls']:.0f} ls-remotes {extra:.2f}s = "
                  f"{extra / c['fetches'] * 1000:.1f} ms per fetch")
    if probes:
        w("")
        w(f"bytes on the wire per Git connection of one agent pass (libgit2 client, {protocol};")
        w("payload bytes as counted by a TCP proxy, without TCP/IP headers), as (client->server, server->client):")
        for label, s in probes.items():
            w(f"  {label:<22} {s['connections']}")
    if rss:
        r = sorted(rss["rss_kib"])
        w("")
        w(f"agent RSS after the run: median {statistics.median(r) / 1024:.1f} MiB, max {r[-1] / 1024:.1f} MiB, "
          f"peak (VmHWM) max {max(rss['hwm_kib']) / 1024:.1f} MiB; "
          f"threads per agent {statistics.median(rss['threads']):.0f}")
        if rss.get("pss_kib"):
            a = sorted(rss["anon_kib"])
            w(f"  of which private (RssAnon): median {statistics.median(a) / 1024:.1f} MiB, max {a[-1] / 1024:.1f} MiB; "
              f"all agents together (sum of Pss) {sum(rss['pss_kib']) / 1024 / 1024:.2f} GiB")
    if logs and logs["counts"]:
        w("")
        w("agents' warnings and errors over the whole run:")
        for key, count in sorted(logs["counts"].items(), key=lambda kv: -kv[1]):
            w(f"  {count:>6} x {key}  e.g. {json.dumps(logs['samples'][key])[:240]}")
    if goal is not None:
        limit = 2 * interval_s
        max_busy = max(c["machine_busy_cores"] for c in changes)
        w("")
        w(f"goal: revert p99 push->converged <= 2 x interval ({limit:g}s): "
          f"{'MET' if goal[0] <= limit and goal[1] else 'NOT MET'} (p99 {goal[0]:.2f}s)")
        w(f"git server saturated? its CPU during the revert window: "
          f"{changes[-1]['git_cpu'] / changes[-1]['wall']:.3f} cores of {meta['cores']}; "
          f"max machine busy during a change {max_busy:.2f} of {meta['cores']} cores")
    text = "\n".join(out) + "\n"
    with open(os.path.join(run_dir, "summary.txt"), "w") as f:
        f.write(text)
    sys.stdout.write(text)


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0
    cmd, args = argv[1], argv[2:]
    if "--" in args:
        i = args.index("--")
        args, rest = args[:i], args[i + 1:]
    else:
        rest = []
    if cmd == "ready":
        cmd_ready(*args)
    elif cmd == "idle":
        cmd_idle(*args)
    elif cmd == "change":
        return cmd_change(*args, rest)
    elif cmd == "proxy":
        cmd_proxy(*args)
    elif cmd == "probe":
        cmd_probe(*args, rest)
    elif cmd == "rss":
        cmd_rss(*args)
    elif cmd == "logs":
        cmd_logs(*args)
    elif cmd == "summary":
        cmd_summary(*args)
    else:
        sys.exit(f"unknown subcommand {cmd}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except KeyboardInterrupt:
        sys.exit(130)
