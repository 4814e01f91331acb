"""The driver: one worker process per implementation, the cross-library check before timing,
interleaved timing rounds, memory, and the JSON / markdown report."""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time

import numpy as np

from .common import (
    WORKLOADS,
    choose_n,
    compare_check,
    make_workload,
    markdown_table,
    ratio,
    summarize,
)

LIBS = ("torch", "ours", "numpy")
ROUNDS = 5
QUICK_STEPS = 3
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


THREAD_MODES = ("1", "default")
_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")


def worker_env(threads: str) -> dict:
    """The environment a worker starts with: at 1 thread every BLAS/OpenMP pool is pinned to one
    thread before the process starts; at the default none of those variables is set (inherited
    ones are removed, so "default" really is the libraries' default)."""
    env = {k: v for k, v in os.environ.items() if k not in _THREAD_VARS}
    if threads == "1":
        env.update({k: "1" for k in _THREAD_VARS})
    return env


class Worker:
    """A running ``python -m benchmarks.worker <lib> --threads <mode>`` and its request pipe."""

    def __init__(self, lib: str, threads: str = "default") -> None:
        self.lib = lib
        self.threads = threads
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.worker", lib, "--threads", threads],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=_ROOT,
            env=worker_env(threads))
        self.hello = self._read()

    def _read(self) -> dict:
        for line in self.proc.stdout:
            if line.startswith("@@bench "):
                return json.loads(line[len("@@bench "):])
        return {"status": "error", "reason": f"worker {self.lib} exited "
                                             f"(code {self.proc.wait()})"}

    def ask(self, **req) -> dict:
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        return self._read()

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write('{"cmd": "quit"}\n')
                self.proc.stdin.flush()
            except BrokenPipeError:
                pass
            self.proc.wait(timeout=30)


def _suffix(mode: str) -> str:
    return "" if mode == "default" else f"__{mode}t"


def _check_lines(workload: str, lines: dict, check_dir: str, mode: str) -> None:
    """Compare every library's state after two steps with PyTorch's (or, without PyTorch, with
    the hand-written numpy floor's), within one thread setting."""
    ref_lib = "torch" if lines.get("torch", {}).get("status") == "ok" else "numpy"
    if lines.get(ref_lib, {}).get("status") != "ok":
        return
    params, data = make_workload(workload)
    initial = dict(params)
    sfx = _suffix(mode)
    with np.load(os.path.join(check_dir, f"{ref_lib}__{workload}{sfx}.npz")) as f:
        ref = {k: f[k] for k in f.files}
    for lib, line in lines.items():
        if line.get("status") != "ok":
            continue
        if lib == ref_lib:
            line["check"] = "reference"
            continue
        with np.load(os.path.join(check_dir, f"{lib}__{workload}{sfx}.npz")) as f:
            ours = {k: f[k] for k in f.files}
        ok, err, where = compare_check(ours, ref, initial)
        line["check_error"] = err
        line["check"] = (f"ok ({err:.1e})" if ok
                         else f"FAILED vs {ref_lib}: {where} rel. err {err:.2e}")
        if not ok:
            line["status"] = "check-failed"
            line["reason"] = line["check"]


def run(args) -> int:
    """Timing workers: one fresh process per (implementation, thread setting), all alive at once
    and interleaved round by round. Memory: afterwards, one more fresh process per
    (implementation, workload), which never times anything."""
    out_dir = args.out
    check_dir = os.path.join(out_dir, "check")
    workloads = args.workloads or list(WORKLOADS)
    modes = list(args.threads)
    workers: dict = {}
    meta = {"command": " ".join(["python -m benchmarks"] + args.argv),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}",
            "python": platform.python_version(), "numpy": np.__version__,
            "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    failed = False
    # lines[workload][lib] = {"workload", "lib", "status", "1": {...}, "default": {...}, ...}
    lines: dict = {w: {} for w in workloads}
    try:
        for mode in modes:
            for lib in args.libs:
                w = Worker(lib, mode)
                if w.hello.get("status") != "ready":
                    print(f"[bench] {lib}: {w.hello.get('status')} ({w.hello.get('reason')}); "
                          f"skipped")
                    w.close()
                    continue
                workers[(lib, mode)] = w
                for k, v in w.hello["meta"].items():
                    if k in ("version",) and mode == modes[0]:
                        meta[f"{lib} {k}"] = v
        for workload in workloads:
            for mode in modes:
                per_lib = {}
                for (lib, m), w in workers.items():
                    if m != mode:
                        continue
                    path = os.path.join(check_dir, f"{lib}__{workload}{_suffix(mode)}.npz")
                    ans = w.ask(cmd="setup", workload=workload, check_path=path)
                    if ans["status"] == "skipped":
                        print(f"[bench] {workload}/{lib}: skipped ({ans['reason']})")
                    elif ans["status"] == "error":
                        print(f"[bench] {workload}/{lib} ({mode} thr.): ERROR {ans['reason']}\n"
                              f"{ans.get('traceback', '')}")
                        failed = True
                    per_lib[lib] = dict(ans)
                _check_lines(workload, per_lib, check_dir, mode)
                for lib, sub in per_lib.items():
                    line = lines[workload].setdefault(
                        lib, {"workload": workload, "lib": lib, "status": "ok"})
                    if sub["status"] == "check-failed":
                        print(f"[bench] {workload}/{lib} ({mode} thr.): {sub['check']}")
                        failed = True
                    if sub["status"] != "ok" and line["status"] == "ok":
                        line["status"], line["reason"] = sub["status"], sub.get("reason", "")
                    sub.pop("traceback", None)
                    line[mode] = sub
                    if mode == modes[-1] or "check" not in line:
                        line["check"] = sub.get("check")
            if not args.check:
                _time_workload(workload, lines[workload], workers, modes, args)
        # the threads that really ran, now that every library has loaded its pools
        for (lib, mode), w in workers.items():
            meta[f"{lib} threads@{mode}"] = w.ask(cmd="threads")
    finally:
        for w in workers.values():
            w.close()
    if not args.check and not args.quick and not args.no_memory:
        _memory_pass(lines, workloads, args.libs)
    lines_all = []
    for workload in workloads:
        _ratios(lines[workload], modes)
        for line in lines[workload].values():
            lines_all.append(line)
            _print_line(line, modes)
    failed = failed or not _threads_as_asked(meta, modes, args.libs)
    meta["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
    _write(out_dir, lines_all, meta, args, modes)
    return 1 if failed else 0


def _threads_as_asked(meta: dict, modes: list, libs: list) -> bool:
    """At 1 thread every pool threadpoolctl saw and torch's pool must run one thread."""
    if "1" not in modes:
        return True
    ok = True
    for lib in libs:
        rep = meta.get(f"{lib} threads@1")
        if not isinstance(rep, dict):
            continue
        pools = rep.get("pools")
        counts = [int(p.rsplit(":", 1)[1]) for p in pools] if isinstance(pools, list) else []
        counts += [rep["torch_threads"]] if "torch_threads" in rep else []
        if any(c != 1 for c in counts):
            print(f"[bench] {lib}: asked for 1 thread but found {rep}")
            ok = False
    return ok


def _memory_pass(lines: dict, workloads: list, libs: list) -> None:
    """Peak memory per (implementation, workload), each in its own fresh process at the default
    thread setting, after all timing: the strict allocator the measurement needs never touches a
    timed step."""
    for workload in workloads:
        for lib in libs:
            line = lines[workload].get(lib)
            if line is None or line["status"] != "ok":
                continue
            w = Worker(lib, "default")
            try:
                if w.hello.get("status") == "ready":
                    ans = w.ask(cmd="memory", workload=workload)
                    if ans.get("status", "ok") == "error":
                        print(f"[bench] memory {workload}/{lib}: ERROR {ans['reason']}")
                    else:
                        line["memory"] = ans
            finally:
                w.close()


def _time_workload(workload: str, lines: dict, workers: dict, modes: list, args) -> None:
    """Interleaved rounds: every (implementation, thread setting) runs a share of its n steps in
    turn, so slow drifts of the machine hit all of them alike; the median is over all timed
    steps."""
    todo = {}
    for lib, line in lines.items():
        if line["status"] != "ok":
            continue
        for mode in modes:
            if args.quick:
                todo[(lib, mode)] = QUICK_STEPS
                line[mode]["note_n"] = "quick"
                continue
            n, note = choose_n(line[mode]["warmup_ms"][-1] / 1e3)
            if args.steps:
                n, note = args.steps, f"n set to {args.steps} (--steps)"
            todo[(lib, mode)] = n
            if note:
                line[mode]["note_n"] = note
    times = {key: [] for key in todo}
    pids = {key: set() for key in todo}
    rounds = 1 if args.quick else ROUNDS
    keys = list(todo)
    for r in range(rounds):
        order = keys[r % len(keys):] + keys[:r % len(keys)] if keys else []
        for key in order:
            k = todo[key] // rounds + (1 if r < todo[key] % rounds else 0)
            if k:
                ans = workers[key].ask(cmd="time", workload=workload, k=k)
                if ans.get("status") == "error":
                    raise RuntimeError(f"timing {workload}/{key}: {ans['reason']}")
                times[key].extend(ans["times"])
                pids[key].add(ans["pid"])
    for (lib, mode), ts in times.items():
        sub = lines[lib][mode]
        sub.update(summarize(ts))
        sub["timing_pids"] = sorted(pids[(lib, mode)])
        if workload == "chain":
            sub["us_per_op"] = sub["median_ms"]   # 1000 ops: ms * 1000 / 1000


def _ratios(lines: dict, modes: list) -> None:
    ref = lines.get("torch", {})
    for line in lines.values():
        if line.get("status") != "ok":
            continue
        for mode in modes:
            if mode in line and mode in ref:
                line[mode]["ratio_to_torch"] = ratio(line[mode].get("median_ms"),
                                                     ref[mode].get("median_ms"))
        mem, ref_mem = line.get("memory", {}), ref.get("memory", {})
        line["mem_ratio_to_torch"] = ratio(mem.get("peak_rss_mb"), ref_mem.get("peak_rss_mb"))


def _print_line(line: dict, modes: list) -> None:
    if line.get("status") != "ok":
        return
    parts = [f"{line['workload']:6s} {line['lib']:6s}"]
    for mode in modes:
        sub = line.get(mode, {})
        if "median_ms" in sub:
            rt = sub.get("ratio_to_torch")
            parts.append(f"[{mode} thr.] {sub['median_ms']:8.3f} ms (IQR {sub['iqr_ms']:.3f}, "
                         f"n={sub['n']})" + ("" if rt is None else f" x{rt:.2f}"))
    mem = line.get("memory", {})
    if "peak_rss_mb" in mem:
        parts.append(f"peak {mem['peak_rss_mb']:.1f} MB")
    sub = line.get(modes[-1], {})
    parts.append(f"loss0 {sub.get('loss0', float('nan')):.6g} "
                 f"loss1 {sub.get('loss1', float('nan')):.6g} check {line.get('check')}")
    print("[bench] " + "  ".join(parts), flush=True)


def _write(out_dir: str, lines: list, meta: dict, args, modes: list) -> None:
    bench_dir = os.path.join(out_dir, "bench")
    os.makedirs(bench_dir, exist_ok=True)
    name = "check" if args.check else ("quick" if args.quick else "results")
    with open(os.path.join(bench_dir, f"{name}.json"), "w") as f:
        json.dump({"meta": meta, "lines": lines}, f, indent=1, default=float)
    table = markdown_table(lines, meta, modes)
    with open(os.path.join(bench_dir, f"{name}.md"), "w") as f:
        f.write(table)
    print()
    print(table)
    print(f"[bench] wrote {os.path.join(bench_dir, name)}.json and .md")


def main(argv: list | None = None) -> int:
    """Command line of ``python -m benchmarks``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    p.add_argument("--quick", action="store_true",
                   help="CI smoke run: the check and a few timed steps per thread setting, "
                        "no memory pass")
    p.add_argument("--check", action="store_true",
                   help="two steps per implementation, saved to <out>/check/ and compared")
    p.add_argument("--out", default=os.path.join(_ROOT, "out"), help="output directory")
    p.add_argument("--workloads", nargs="+", choices=WORKLOADS, help="subset of workloads")
    p.add_argument("--libs", nargs="+", choices=LIBS, default=list(LIBS),
                   help="subset of implementations")
    p.add_argument("--threads", nargs="+", choices=THREAD_MODES, default=list(THREAD_MODES),
                   help="thread settings, each timed in its own fresh workers (default: both)")
    p.add_argument("--steps", type=int, default=None,
                   help="timed steps per implementation instead of the protocol's n (smoke runs)")
    p.add_argument("--no-memory", action="store_true", help="skip the memory pass")
    args = p.parse_args(argv)
    args.argv = argv
    return run(args)
