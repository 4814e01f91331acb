"""One process per implementation and thread setting: builds workloads and times steps on the
driver's request; or, in a separate fresh process, measures one workload's peak memory.

``python -m benchmarks.worker <lib> [--threads 1|default]``. With ``--threads 1`` the driver has
already set ``OMP_NUM_THREADS``/``OPENBLAS_NUM_THREADS``/``MKL_NUM_THREADS`` to 1 in the process
environment (BLAS pools read them when they start); the worker adds ``torch.set_num_threads(1)``
and reports the thread counts that really run (threadpoolctl, ``torch.get_num_threads``).

Protocol: one JSON request per line on stdin; each answer is one stdout line starting with
``@@bench `` (anything else a library prints is ignored by the driver). A worker that has run the
memory pass (which switches glibc to a strict allocator for good) refuses to time anything after it.
"""

from __future__ import annotations

import ctypes
import gc
import json
import os
import sys
import time
import traceback
import tracemalloc

import numpy as np

from .common import WARMUP_STEPS, time_steps

_MARK = "@@bench "


class Implementation:
    """A library's builders plus the workloads built so far."""

    def __init__(self, lib: str, threads: str = "default") -> None:
        self.lib = lib
        self.built: dict = {}
        self.meta = {"lib": lib, "threads": threads, "pid": os.getpid()}
        self.memory_measured = False
        if lib == "numpy":
            from . import handwritten

            self._build = handwritten.build
            self._missing = lambda w: []
            self.meta["version"] = np.__version__
        else:
            from . import models

            ns = models.library(lib)
            self._build = lambda w: models.build(ns, w)
            self._missing = lambda w: models.missing_names(ns, w)
            self.meta["version"] = ns.version
            if lib == "torch":
                if threads == "1":
                    ns.L.set_num_threads(1)
                self.meta["torch_threads"] = ns.L.get_num_threads()
        self.meta["numpy"] = np.__version__

    def thread_report(self) -> dict:
        """The thread counts that really run now: every BLAS/OpenMP pool threadpoolctl sees (after
        the libraries are loaded, so call it once workloads are built) and torch's intra-op pool."""
        out = {"pid": os.getpid(), "strict_allocator": _STRICT_ALLOCATOR}
        try:
            from threadpoolctl import threadpool_info
        except ImportError:
            out["pools"] = "threadpoolctl not installed"
        else:
            out["pools"] = sorted({f"{p['internal_api']}:{p['num_threads']}"
                                   for p in threadpool_info()})
        if self.lib == "torch":
            import torch

            out["torch_threads"] = torch.get_num_threads()
        return out

    def setup(self, workload: str, check_path: str | None) -> dict:
        """Build ``workload``, run the warm-up steps (the first two are the check steps), save the
        state after step 2 to ``check_path``."""
        missing = self._missing(workload)
        if missing:
            return {"status": "skipped", "reason": "not available yet: " + ", ".join(missing)}
        step, state = self._build(workload)
        warm, losses = [], []
        for i in range(WARMUP_STEPS):
            t0 = time.perf_counter()
            loss = step()
            warm.append(time.perf_counter() - t0)
            losses.append(loss)
            if i == 1 and check_path:
                out = state()
                out["loss0"] = np.asarray(_to_float(losses[0]))
                out["loss1"] = np.asarray(_to_float(losses[1]))
                os.makedirs(os.path.dirname(check_path), exist_ok=True)
                np.savez(check_path, **out)
        self.built[workload] = step
        dtype = _dtype_of(losses[0])
        return {"status": "ok", "warmup_ms": [w * 1e3 for w in warm],
                "loss0": _to_float(losses[0]), "loss1": _to_float(losses[1]), "dtype": dtype}

    def time(self, workload: str, k: int) -> dict:
        if self.memory_measured or _STRICT_ALLOCATOR:
            raise RuntimeError("this worker ran the memory pass (strict allocator); timing here "
                               "would not be comparable: time in a fresh worker")
        return {"times": time_steps(self.built[workload], k), "pid": os.getpid()}

    def memory(self, workload: str) -> dict:
        """Peak memory of one step (after warm-up, in a fresh build): the rise of the resident set
        size above its value at the start of the step, with glibc made to return freed blocks to
        the system; and for numpy-based libraries the tracemalloc peak."""
        missing = self._missing(workload)
        if missing:
            return {"status": "skipped", "reason": "not available yet: " + ", ".join(missing)}
        self.memory_measured = True
        self.built.pop(workload, None)
        gc.collect()
        step, _ = self._build(workload)
        for _ in range(WARMUP_STEPS):
            step()
        result = {"pid": os.getpid()}
        rss = _peak_rss_rise(step)
        if rss is not None:
            result["peak_rss_mb"] = rss
        if self.lib != "torch":
            samples = []
            for _ in range(2):
                if getattr(step, "clear", None) is not None:
                    step.clear()
                gc.collect()
                tracemalloc.start()
                tracemalloc.reset_peak()
                base = tracemalloc.get_traced_memory()[0]
                step()
                samples.append((tracemalloc.get_traced_memory()[1] - base) / 2**20)
                tracemalloc.stop()
            result["tracemalloc_mb"] = min(samples)
        return result


def _to_float(loss) -> float:
    if hasattr(loss, "detach"):
        loss = loss.detach()
    if hasattr(loss, "item"):
        return float(loss.item())
    return float(loss)


def _dtype_of(loss) -> str:
    dtype = loss.dtype if hasattr(loss, "dtype") else np.asarray(loss).dtype
    return str(dtype).replace("torch.", "")


# ---------------------------------------------------------------- resident-set measurement
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_STRICT_ALLOCATOR = False


def _strict_allocator(libc) -> None:
    """Make glibc map every block >= 64 KiB on its own and trim the heap eagerly, so that freed
    memory leaves the resident set and the high-water mark measures one step's own peak."""
    global _STRICT_ALLOCATOR
    if not _STRICT_ALLOCATOR:
        libc.mallopt(_M_MMAP_THRESHOLD, 64 * 1024)
        libc.mallopt(_M_TRIM_THRESHOLD, 128 * 1024)
        _STRICT_ALLOCATOR = True


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1])
    raise KeyError(field)


def _peak_rss_rise(step) -> float | None:
    try:
        libc = ctypes.CDLL("libc.so.6")
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return None
    _strict_allocator(libc)
    step()
    samples = []
    clear = getattr(step, "clear", None)
    for _ in range(3):
        if clear is not None:
            clear()       # gradients held from the previous step are not part of the baseline
        gc.collect()
        libc.malloc_trim(0)
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")      # reset the high-water mark to the current resident size
        before = _status_kb("VmRSS:")
        step()
        samples.append((_status_kb("VmHWM:") - before) / 1024)
    return float(np.median(samples))


def main(lib: str, threads: str = "default") -> None:
    try:
        impl = Implementation(lib, threads)
        _answer({"status": "ready", "meta": impl.meta})
    except ImportError as exc:
        _answer({"status": "unavailable", "reason": f"{type(exc).__name__}: {exc}"})
        return
    for line in sys.stdin:
        req = json.loads(line)
        cmd = req["cmd"]
        if cmd == "quit":
            break
        try:
            if cmd == "setup":
                ans = impl.setup(req["workload"], req.get("check_path"))
            elif cmd == "time":
                ans = impl.time(req["workload"], req["k"])
            elif cmd == "memory":
                ans = impl.memory(req["workload"])
            elif cmd == "threads":
                ans = impl.thread_report()
            else:
                ans = {"status": "error", "reason": f"unknown command {cmd!r}"}
        except Exception as exc:  # reported to the driver, which prints it and fails the run
            ans = {"status": "error", "reason": f"{type(exc).__name__}: {exc}",
                   "traceback": traceback.format_exc()}
        _answer(ans)


def _answer(obj: dict) -> None:
    sys.stdout.write(_MARK + json.dumps(obj) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    _threads = "default"
    if "--threads" in sys.argv:
        _threads = sys.argv[sys.argv.index("--threads") + 1]
    main(sys.argv[1], _threads)
