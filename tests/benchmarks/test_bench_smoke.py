"""The benchmark suite runs and its cross-library check has teeth (times are never asserted)."""

import json
import pathlib
import subprocess
import sys

import numpy as np

from benchmarks.common import choose_n, compare_check, make_workload

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_check_mode_runs_and_implementations_agree(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--check", "--workloads", "chain", "mlp",
         "--libs", "ours", "numpy", "--out", str(out)],
        capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = json.loads((out / "bench" / "check.json").read_text())["lines"]
    by_key = {(ln["workload"], ln["lib"]): ln for ln in lines}
    for workload in ("chain", "mlp"):
        assert by_key[(workload, "numpy")]["check"] == "reference"
        assert by_key[(workload, "ours")]["check"].startswith("ok")
        assert (out / "check" / f"ours__{workload}.npz").exists()


def test_check_rejects_a_wrong_update():
    params, _ = make_workload("mlp")
    ref = {k: v - 1e-3 * np.sign(v) for k, v in params.items()}
    ref["loss0"], ref["loss1"] = np.float32(2.3), np.float32(2.2)
    good = {k: v.copy() for k, v in ref.items()}
    assert compare_check(good, ref, params)[0]
    bad = dict(good)
    bad["fc2.bias"] = params["fc2.bias"] - 1.01e-3 * np.sign(params["fc2.bias"])
    ok, err, where = compare_check(bad, ref, params)
    assert not ok and where == "fc2.bias" and err > 5e-3
    wrong_loss = dict(good, loss0=np.float32(2.31))
    assert not compare_check(wrong_loss, ref, params)[0]


def test_number_of_timed_steps_follows_the_protocol():
    assert choose_n(1.0) == (20, None)          # at least 20
    assert choose_n(1e-4) == (200, None)        # at most 200
    assert choose_n(0.03) == (100, None)        # 3 s worth
    n, note = choose_n(4.0)                     # 20 steps exceed the 40 s budget
    assert n == 10 and note
