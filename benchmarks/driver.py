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


class Worker:
    """A running ``python -m benchmarks.worker <lib>`` and its request/answer pipe."""

    def __init__(self, lib: str) -> None:
        self.lib = lib
        self.proc = subprocess.Popen([sys.executable, "-m", "benchmarks.worker", lib],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     cwd=_ROOT)
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


def _check_lines(workload: str, lines: dict, check_dir: str) -> None:
    """Compare every library's state after two steps with PyTorch's (or, without PyTorch, with
    the hand-written numpy floor's)."""
    ref_lib = "torch" if lines.get("torch", {}).get("status") == "ok" else "numpy"
    if lines.get(ref_lib, {}).get("status") != "ok":
        return
    params, data = make_workload(workload)
    initial = dict(params)
    with np.load(os.path.join(check_dir, f"{ref_lib}__{workload}.npz")) as f:
        ref = {k: f[k] for k in f.files}
    for lib, line in lines.items():
        if line.get("status") != "ok":
            continue
        if lib == ref_lib:
            line["check"] = "reference"
            continue
        with np.load(os.path.join(check_dir, f"{lib}__{workload}.npz")) as f:
            ours = {k: f[k] for k in f.files}
        ok, err, where = compare_check(ours, ref, initial)
        line["check_error"] = err
        line["check"] = (f"ok ({err:.1e})" if ok
                         else f"FAILED vs {ref_lib}: {where} rel. err {err:.2e}")
        if not ok:
            line["status"] = "check-failed"
            line["reason"] = line["check"]


def run(args) -> int:
    out_dir = args.out
    check_dir = os.path.join(out_dir, "check")
    workloads = args.workloads or list(WORKLOADS)
    workers = {}
    lines_all: list = []
    meta = {"command": " ".join(["python -m benchmarks"] + args.argv),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}",
            "python": platform.python_version(), "numpy": np.__version__,
            "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    failed = False
    try:
        for lib in args.libs:
            w = Worker(lib)
            if w.hello.get("status") != "ready":
                print(f"[bench] {lib}: {w.hello.get('status')} ({w.hello.get('reason')}); "
                      f"skipped")
                w.close()
                continue
            workers[lib] = w
            for k, v in w.hello["meta"].items():
                if k not in ("lib", "numpy"):
                    meta[f"{lib} {k}"] = v
        for workload in workloads:
            lines = {}
            for lib, w in workers.items():
                path = os.path.join(check_dir, f"{lib}__{workload}.npz")
                ans = w.ask(cmd="setup", workload=workload, check_path=path)
                line = {"workload": workload, "lib": lib, **ans}
                if ans["status"] == "skipped":
                    print(f"[bench] {workload}/{lib}: skipped ({ans['reason']})")
                elif ans["status"] == "error":
                    print(f"[bench] {workload}/{lib}: ERROR {ans['reason']}\n"
                          f"{ans.get('traceback', '')}")
                    failed = True
                lines[lib] = line
            _check_lines(workload, lines, check_dir)
            for lib, line in lines.items():
                if line["status"] == "check-failed":
                    print(f"[bench] {workload}/{lib}: {line['check']}")
                    failed = True
            if not args.check:
                _time_workload(workload, lines, workers, args.quick)
                if not args.quick:
                    for lib, line in lines.items():
                        if line["status"] == "ok":
                            line.update(workers[lib].ask(cmd="memory", workload=workload))
            _ratios(lines)
            for line in lines.values():
                line.pop("traceback", None)
                lines_all.append(line)
                _print_line(line)
    finally:
        for w in workers.values():
            w.close()
    meta["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
    _write(out_dir, lines_all, meta, args)
    return 1 if failed else 0


def _time_workload(workload: str, lines: dict, workers: dict, quick: bool) -> None:
    """Interleaved rounds: every implementation runs a share of its n steps in turn, so slow
    drifts of the machine hit all of them alike; the median is over all timed steps."""
    todo = {}
    for lib, line in lines.items():
        if line["status"] != "ok":
            continue
        if quick:
            todo[lib] = QUICK_STEPS
            line["note_n"] = "quick"
            continue
        n, note = choose_n(line["warmup_ms"][-1] / 1e3)
        todo[lib] = n
        if note:
            line["note_n"] = note
    times = {lib: [] for lib in todo}
    rounds = 1 if quick else ROUNDS
    libs = list(todo)
    for r in range(rounds):
        order = libs[r % len(libs):] + libs[:r % len(libs)] if libs else []
        for lib in order:
            k = todo[lib] // rounds + (1 if r < todo[lib] % rounds else 0)
            if k:
                times[lib].extend(workers[lib].ask(cmd="time", workload=workload, k=k)["times"])
    for lib, ts in times.items():
        lines[lib].update(summarize(ts))
        if workload == "chain":
            lines[lib]["us_per_op"] = lines[lib]["median_ms"]   # 1000 ops: ms * 1000 / 1000


def _ratios(lines: dict) -> None:
    ref = lines.get("torch", {})
    for line in lines.values():
        if line.get("status") == "ok":
            line["ratio_to_torch"] = ratio(line.get("median_ms"), ref.get("median_ms"))
            line["mem_ratio_to_torch"] = ratio(line.get("peak_rss_mb"), ref.get("peak_rss_mb"))


def _print_line(line: dict) -> None:
    if line.get("status") != "ok":
        return
    parts = [f"{line['workload']:6s} {line['lib']:6s}"]
    if "median_ms" in line:
        parts.append(f"{line['median_ms']:9.3f} ms (IQR {line['iqr_ms']:.3f}, n={line['n']})")
    if line.get("ratio_to_torch") is not None:
        parts.append(f"x{line['ratio_to_torch']:.2f}")
    if "peak_rss_mb" in line:
        parts.append(f"peak {line['peak_rss_mb']:.1f} MB")
    parts.append(f"loss0 {line['loss0']:.6g} loss1 {line['loss1']:.6g} check {line.get('check')}")
    print("[bench] " + "  ".join(parts), flush=True)


def _write(out_dir: str, lines: list, meta: dict, args) -> None:
    bench_dir = os.path.join(out_dir, "bench")
    os.makedirs(bench_dir, exist_ok=True)
    name = "check" if args.check else ("quick" if args.quick else "results")
    with open(os.path.join(bench_dir, f"{name}.json"), "w") as f:
        json.dump({"meta": meta, "lines": lines}, f, indent=1, default=float)
    table = markdown_table(lines, meta)
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
                   help="CI smoke run: the check and a few timed steps, no memory pass")
    p.add_argument("--check", action="store_true",
                   help="two steps per implementation, saved to <out>/check/ and compared")
    p.add_argument("--out", default=os.path.join(_ROOT, "out"), help="output directory")
    p.add_argument("--workloads", nargs="+", choices=WORKLOADS, help="subset of workloads")
    p.add_argument("--libs", nargs="+", choices=LIBS, default=list(LIBS),
                   help="subset of implementations")
    args = p.parse_args(argv)
    args.argv = argv
    return run(args)
