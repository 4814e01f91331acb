"""What every implementation shares: the workloads' data and parameters (one seed, float32 numpy
arrays in PyTorch layout with PyTorch names), the timing protocol, the cross-library check and the
JSON / markdown output.

See ../shared/benchmark-workloads.md (copied into the docstrings below where it matters).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np

SEED = 0
LR = 0.01
WORKLOADS = ("mlp", "lenet", "lstm", "attn", "chain")
CHAIN_LENGTH = 1000

WARMUP_STEPS = 3
TARGET_SECONDS = 3.0      # n = clamp(3 s / step_time, 20, 200)
MIN_STEPS, MAX_STEPS = 20, 200
BUDGET_SECONDS = 40.0     # if 20 steps exceed it: n = max(5, 40 s / step_time)
SLOW_MIN_STEPS = 5


# ---------------------------------------------------------------- data and parameters
def _uniform(rng: np.random.Generator, shape: tuple, bound: float) -> np.ndarray:
    return rng.uniform(-bound, bound, shape).astype(np.float32)


def _normal(rng: np.random.Generator, shape: tuple, scale: float = 1.0) -> np.ndarray:
    return (scale * rng.standard_normal(shape)).astype(np.float32)


def _linear(rng, params: dict, name: str, fan_in: int, fan_out: int) -> None:
    bound = 1.0 / math.sqrt(fan_in)
    params[f"{name}.weight"] = _uniform(rng, (fan_out, fan_in), bound)
    params[f"{name}.bias"] = _uniform(rng, (fan_out,), bound)


def make_workload(name: str) -> tuple[dict, dict]:
    """(parameters, data) of workload ``name``: float32 arrays (int64 labels) from one seed.

    Parameter names are those of the PyTorch modules the workload is built from, so
    ``model.load_state_dict`` takes them unchanged.
    """
    rng = np.random.default_rng([SEED, WORKLOADS.index(name)])
    params: dict = {}
    if name == "mlp":
        _linear(rng, params, "fc1", 784, 256)
        _linear(rng, params, "fc2", 256, 128)
        _linear(rng, params, "fc3", 128, 10)
        data = {"x": _normal(rng, (128, 784)), "y": rng.integers(0, 10, 128).astype(np.int64)}
    elif name == "lenet":
        for conv, cin, cout in (("conv1", 1, 6), ("conv2", 6, 16)):
            bound = 1.0 / math.sqrt(cin * 25)
            params[f"{conv}.weight"] = _uniform(rng, (cout, cin, 5, 5), bound)
            params[f"{conv}.bias"] = _uniform(rng, (cout,), bound)
        _linear(rng, params, "fc1", 400, 120)
        _linear(rng, params, "fc2", 120, 84)
        _linear(rng, params, "fc3", 84, 10)
        data = {"x": _normal(rng, (64, 1, 32, 32)),
                "y": rng.integers(0, 10, 64).astype(np.int64)}
    elif name == "lstm":
        bound = 1.0 / math.sqrt(128)
        params["lstm.weight_ih_l0"] = _uniform(rng, (512, 64), bound)
        params["lstm.weight_hh_l0"] = _uniform(rng, (512, 128), bound)
        params["lstm.bias_ih_l0"] = _uniform(rng, (512,), bound)
        params["lstm.bias_hh_l0"] = _uniform(rng, (512,), bound)
        _linear(rng, params, "readout", 128, 10)
        data = {"x": _normal(rng, (50, 32, 64)), "target": _normal(rng, (32, 10))}
    elif name == "attn":
        b128, b512 = 1.0 / math.sqrt(128), 1.0 / math.sqrt(512)
        params["self_attn.in_proj_weight"] = _uniform(rng, (384, 128), b128)
        params["self_attn.in_proj_bias"] = _uniform(rng, (384,), b128)
        params["self_attn.out_proj.weight"] = _uniform(rng, (128, 128), b128)
        params["self_attn.out_proj.bias"] = _uniform(rng, (128,), b128)
        params["linear1.weight"] = _uniform(rng, (512, 128), b128)
        params["linear1.bias"] = _uniform(rng, (512,), b128)
        params["linear2.weight"] = _uniform(rng, (128, 512), b512)
        params["linear2.bias"] = _uniform(rng, (128,), b512)
        for norm in ("norm1", "norm2"):
            params[f"{norm}.weight"] = 1.0 + _uniform(rng, (128,), 0.1)
            params[f"{norm}.bias"] = _uniform(rng, (128,), 0.1)
        data = {"x": _normal(rng, (16, 64, 128)), "target": _normal(rng, (16, 64, 128))}
    elif name == "chain":
        data = {"x0": _normal(rng, (16, 16), 0.5)}
    else:
        raise ValueError(f"unknown workload {name!r}; expected one of {WORKLOADS}")
    return params, data


def chain_kinds() -> list:
    """Op kinds of the W5 chain: 2 = tanh when (i+1) % 10 == 0, else 0 = mul (even i), 1 = add."""
    return [2 if (i + 1) % 10 == 0 else (0 if i % 2 == 0 else 1) for i in range(CHAIN_LENGTH)]


# ---------------------------------------------------------------- timing protocol
def choose_n(step_seconds: float) -> tuple[int, str | None]:
    """Number of timed steps for a step of ``step_seconds`` and the note when the budget binds."""
    step_seconds = max(step_seconds, 1e-9)
    if MIN_STEPS * step_seconds > BUDGET_SECONDS:
        return max(SLOW_MIN_STEPS, int(BUDGET_SECONDS / step_seconds)), \
            f"n reduced to fit the {BUDGET_SECONDS:.0f} s budget"
    n = int(TARGET_SECONDS / step_seconds)
    return min(MAX_STEPS, max(MIN_STEPS, n)), None


def time_steps(step: Callable, k: int) -> list:
    """Seconds taken by each of ``k`` calls of ``step`` (perf_counter around each)."""
    times = []
    clock = time.perf_counter
    for _ in range(k):
        t0 = clock()
        step()
        times.append(clock() - t0)
    return times


def summarize(times_s: list) -> dict:
    """median / IQR / min in milliseconds over timed steps."""
    ms = np.asarray(times_s) * 1e3
    q25, q50, q75 = np.percentile(ms, [25, 50, 75])
    return {"median_ms": float(q50), "iqr_ms": float(q75 - q25), "min_ms": float(ms.min()),
            "n": int(ms.size)}


def run_bench(step: Callable, loss_value: Callable = float, quick: bool = False) -> dict:
    """The single-process protocol: 3 untimed warm-up steps (losses of steps 1 and 2 kept), then
    n timed steps, n = clamp(3 s / step_time, 20, 200) (at least 5 within a 40 s budget)."""
    warm, losses = [], []
    for _ in range(WARMUP_STEPS):
        t0 = time.perf_counter()
        loss = step()
        warm.append(time.perf_counter() - t0)
        losses.append(loss)
    n, note = (3, "quick") if quick else choose_n(warm[-1])
    result = summarize(time_steps(step, n))
    result.update(warmup_ms=[w * 1e3 for w in warm], loss0=loss_value(losses[0]),
                  loss1=loss_value(losses[1]))
    if note:
        result["note_n"] = note
    return result


# ---------------------------------------------------------------- cross-library check
LOSS_RTOL = 1e-4
UPDATE_RTOL = 2e-3   # of the largest update of each tensor (float32 GEMM order differs)


def compare_check(ours: dict, ref: dict, initial: dict) -> tuple[bool, float, str]:
    """Compare two libraries' check files: losses, and the parameter updates after two steps
    (p2 - p0) relative to the reference's largest update per tensor (beyond two float32 ulps of
    the parameters themselves). Returns
    (agrees, worst relative error, description of the worst entry)."""
    worst, where = 0.0, ""
    for key in ("loss0", "loss1"):
        if key in ref:
            r, o = float(ref[key]), float(ours[key])
            err = abs(o - r) / max(abs(r), 1e-12)
            if err / LOSS_RTOL > worst / UPDATE_RTOL or not np.isfinite(o):
                worst, where = err * UPDATE_RTOL / LOSS_RTOL, f"{key} {o:.7g} vs {r:.7g}"
    for name, r in ref.items():
        if name in ("loss0", "loss1"):
            continue
        if name not in ours:
            return False, math.inf, f"{name} missing"
        o = ours[name]
        if o.shape != r.shape:
            return False, math.inf, f"{name} shape {o.shape} vs {r.shape}"
        base = initial.get(name)
        dr = r.astype(np.float64) - (base if base is not None else 0.0)
        do = o.astype(np.float64) - (base if base is not None else 0.0)
        scale = max(float(np.abs(dr).max()), 1e-12)
        # two float32 ulps of the stored values are rounding, not disagreement
        ulps = 2.0 * np.spacing(np.abs(r).astype(np.float32)).astype(np.float64)
        err = float(np.maximum(np.abs(do - dr) - ulps, 0.0).max()) / scale
        if not np.isfinite(err):
            err = math.inf
        if err > worst:
            worst, where = err, name
    return worst <= UPDATE_RTOL, worst, where


# ---------------------------------------------------------------- output
def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return a / b


def markdown_table(lines: list, meta: dict, modes: tuple = ("1", "default")) -> str:
    """The results as a markdown table: per workload and implementation, ms per step and the
    ratio to PyTorch at each thread setting (each from one interleaved run), peak memory of a
    step (measured in a separate fresh process) and its ratio to PyTorch."""
    head = ["workload", "implementation"]
    for mode in modes:
        label = "1 thread" if mode == "1" else "default threads"
        head += [f"ms/step ({label})", f"x PyTorch ({label})"]
    head += ["peak MB/step", "mem x PyTorch", "tracemalloc MB", "check"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]

    def fmt(v, spec=".2f"):
        return "-" if v is None else format(v, spec)

    for ln in lines:
        if ln.get("status") != "ok":
            rows.append(f"| {ln['workload']} | {ln['lib']} | {ln.get('status')}: "
                        f"{ln.get('reason', '')} |" + " |" * (len(head) - 3))
            continue
        cells = [ln["workload"], ln["lib"]]
        for mode in modes:
            sub = ln.get(mode, {})
            med = sub.get("median_ms")
            text = "-" if med is None else f"{med:.3f} (IQR {sub['iqr_ms']:.3f}, n={sub['n']})"
            if ln["workload"] == "chain" and med is not None:
                text += f", {sub['us_per_op']:.2f} us/op"
            cells += [text, fmt(sub.get("ratio_to_torch"))]
        mem = ln.get("memory", {})
        cells += [fmt(mem.get("peak_rss_mb"), ".1f"), fmt(ln.get("mem_ratio_to_torch")),
                  fmt(mem.get("tracemalloc_mb"), ".1f"), str(ln.get("check", "-"))]
        rows.append("| " + " | ".join(cells) + " |")
    notes = [f"- {k}: {v}" for k, v in meta.items()]
    return "\n".join(rows + [""] + notes) + "\n"
