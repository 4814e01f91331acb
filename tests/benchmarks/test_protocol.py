"""The benchmark protocol cannot flatter anyone: memory is measured in its own fresh process after
all timing (its strict allocator never reaches a timed step), each thread setting runs in fresh
workers started with the thread variables set, and the threads that really ran are recorded."""

import json
import os
import pathlib
import subprocess
import sys

import pytest

from benchmarks.common import markdown_table
from benchmarks.driver import _THREAD_VARS, Worker, worker_env

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def short_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--steps", "2", "--workloads", "mlp",
         "--libs", "ours", "numpy", "--out", str(out)],
        capture_output=True, text=True, timeout=300, cwd=ROOT, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads((out / "bench" / "results.json").read_text())


def test_memory_pass_runs_in_a_process_that_never_timed(short_run):
    timing_pids, memory_pids = set(), set()
    for line in short_run["lines"]:
        for mode in ("1", "default"):
            timing_pids.update(line[mode]["timing_pids"])
        memory_pids.add(line["memory"]["pid"])
        assert line["memory"]["peak_rss_mb"] > 0
    assert len(timing_pids) == 4            # 2 implementations x 2 thread settings
    assert len(memory_pids) == 2            # one fresh process per (implementation, workload)
    assert not timing_pids & memory_pids


def test_timing_workers_never_ran_the_strict_allocator(short_run):
    for lib in ("ours", "numpy"):
        for mode in ("1", "default"):
            report = short_run["meta"][f"{lib} threads@{mode}"]
            assert report["strict_allocator"] is False


def test_both_thread_settings_report_what_really_ran(short_run):
    pytest.importorskip("threadpoolctl")
    meta = short_run["meta"]
    for lib in ("ours", "numpy"):
        one = meta[f"{lib} threads@1"]["pools"]
        assert one and all(p.endswith(":1") for p in one), one
        # the driver's own OMP_NUM_THREADS=1 does not leak into "default"
        default = meta[f"{lib} threads@default"]["pools"]
        if (os.cpu_count() or 1) > 1:
            assert default and any(int(p.rsplit(":", 1)[1]) > 1 for p in default), default


def test_table_shows_both_thread_settings_and_memory(short_run):
    table = markdown_table(short_run["lines"], short_run["meta"])
    head = table.splitlines()[0]
    for col in ("ms/step (1 thread)", "x PyTorch (1 thread)", "ms/step (default threads)",
                "x PyTorch (default threads)", "peak MB/step", "mem x PyTorch"):
        assert col in head
    assert table.count("| mlp |") == 2


def test_worker_env_pins_or_clears_the_thread_variables(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "7")
    one, default = worker_env("1"), worker_env("default")
    assert all(one[k] == "1" for k in _THREAD_VARS)
    assert not any(k in default for k in _THREAD_VARS)


def test_a_worker_refuses_to_time_after_the_memory_pass():
    w = Worker("numpy", "1")
    try:
        assert w.hello["status"] == "ready"
        assert w.ask(cmd="setup", workload="mlp", check_path=None)["status"] == "ok"
        assert len(w.ask(cmd="time", workload="mlp", k=2)["times"]) == 2
        assert "peak_rss_mb" in w.ask(cmd="memory", workload="mlp")
        ans = w.ask(cmd="setup", workload="mlp", check_path=None)
        ans = w.ask(cmd="time", workload="mlp", k=1)
        assert ans["status"] == "error" and "strict allocator" in ans["reason"]
        assert w.ask(cmd="threads")["strict_allocator"] is True
    finally:
        w.close()
