"""Checking gradients: the course notes' check on a whole model, per-op audits, gradient reports.

- ``check_gradients(model, loss_fn, *inputs)``: the course notes' gradient check on a whole model.
- ``audit_graph(loss)``: gradchecks every recorded node's backward on its real inputs (float64).
- ``grad_report(model)`` and ``plot_grad_flow(model)``: per-layer gradient norms and update ratios.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from .. import grad_mode
from .. import random as _random
from ..engine import grad as _grad
from ..tensor import Tensor
from .recording import NodeRecord, record, record_of


# ---------------------------------------------------------------- thresholds from the notes
def relative_error_verdict(rel: float) -> str:
    """The notes' reading of ||g_num - g|| / (||g_num|| + ||g||): ~1e-7 fine, ~1e-5 look
    closer, ~1e-3 a bug (the boundaries are the geometric midpoints 1e-6 and 1e-4)."""
    if not np.isfinite(rel) or rel > 1e-4:
        return "bug"
    if rel > 1e-6:
        return "look closer"
    return "fine"


def _rel(a: np.ndarray, b: np.ndarray) -> float:
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / denom) if denom else 0.0


# ---------------------------------------------------------------- model gradient check
@dataclass
class ParameterCheck:
    """One parameter's share of a model gradient check."""

    name: str
    shape: tuple
    checked: int
    relative_error: float
    max_abs_diff: float
    worst_index: tuple
    analytical: float
    numerical: float


@dataclass
class GradientCheckReport:
    """Result of ``check_gradients``: overall relative error, verdict and per-parameter rows."""

    relative_error: float
    verdict: str
    parameters: list
    worst: ParameterCheck | None
    eps: float

    @property
    def passed(self) -> bool:
        return self.verdict != "bug"

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        lines = [f"gradient check (two-sided differences, eps={self.eps:g}, float64): relative "
                 f"error {self.relative_error:.3e} -> {self.verdict} "
                 f"(~1e-7 fine, ~1e-5 look closer, ~1e-3 a bug)"]
        width = max([len(p.name) for p in self.parameters] + [9])
        lines.append(f"  {'parameter':<{width}}  {'shape':<16} {'checked':>7}  {'rel. error':>10}"
                     f"  {'max |diff|':>10}")
        for p in self.parameters:
            lines.append(f"  {p.name:<{width}}  {str(p.shape):<16} {p.checked:>7}  "
                         f"{p.relative_error:>10.3e}  {p.max_abs_diff:>10.3e}")
        if self.worst is not None and self.worst.max_abs_diff > 0:
            w = self.worst
            lines.append(f"largest difference: {w.name}{list(w.worst_index)}: analytical "
                         f"{w.analytical:.9g} vs numerical {w.numerical:.9g}")
        return "\n".join(lines)

    __repr__ = __str__


def _to_double(x):
    if isinstance(x, Tensor) and x.dtype.kind == "f":
        return Tensor._make(x._data.astype(np.float64), False, None)
    return x


def _gradcheck_copy(model):
    """A float64 copy of ``model`` with dropout off (train-mode statistics such as batch norm's
    are kept, since they are part of the function being checked)."""
    clone = copy.deepcopy(model)
    originals = list(model.modules()) if hasattr(model, "modules") else [model]
    clones = list(clone.modules()) if hasattr(clone, "modules") else [clone]
    if hasattr(clone, "eval"):
        clone.eval()
        for orig, c in zip(originals, clones):
            if hasattr(c, "running_mean"):
                c.training = orig.training
    if hasattr(clone, "double"):
        clone.double()
    return clone


def check_gradients(model, loss_fn, *inputs, target=None, eps: float = 1e-7,
                    max_per_parameter: int | None = None, seed: int = 0) -> GradientCheckReport:
    """Gradient check of a whole model, as the course notes teach it (no torch equivalent).

    Works on a float64 copy with dropout off (the model is untouched): flattens every parameter,
    compares backprop's gradient of ``loss_fn(model(*inputs)[, target])`` with two-sided
    differences, and reports the notes' relative error and the parameter element that differs
    most. ``max_per_parameter`` checks a random subset of each parameter's elements.
    """
    if not hasattr(model, "named_parameters"):
        raise TypeError(f"check_gradients: expected an nn.Module, got {type(model).__name__}")
    clone = _gradcheck_copy(model)
    params = [(n, p) for n, p in clone.named_parameters() if p.requires_grad]
    if not params:
        raise ValueError("check_gradients: the model has no parameters that require grad")
    xs = tuple(_to_double(x) for x in inputs)
    tgt = _to_double(target)
    if hasattr(loss_fn, "named_parameters") and hasattr(loss_fn, "double"):
        loss_fn = copy.deepcopy(loss_fn).double()  # e.g. class weights of a loss module
    rng_state = _random.get_rng_state()

    def loss_value() -> Tensor:
        _random.set_rng_state(rng_state)
        out = clone(*xs)
        loss = loss_fn(out) if tgt is None else loss_fn(out, tgt)
        if not isinstance(loss, Tensor) or loss.numel() != 1:
            raise ValueError("check_gradients: loss_fn must return a one-element Tensor, got "
                             f"{getattr(loss, 'shape', type(loss).__name__)}")
        return loss

    try:
        for _, p in params:
            p.grad = None
        with grad_mode.enable_grad():
            loss_value().backward()
        rng = np.random.default_rng(seed)
        rows = []
        all_ana, all_num = [], []
        with grad_mode.no_grad():
            for name, p in params:
                flat = p._data.reshape(-1)
                ana_full = (np.zeros(flat.size) if p.grad is None
                            else p.grad._data.reshape(-1).astype(np.float64))
                idx = np.arange(flat.size)
                if max_per_parameter is not None and flat.size > max_per_parameter:
                    idx = np.sort(rng.choice(flat.size, max_per_parameter, replace=False))
                num = np.empty(idx.size)
                for k, j in enumerate(idx):
                    orig = flat[j]
                    flat[j] = orig + eps
                    plus = float(loss_value().item())
                    flat[j] = orig - eps
                    minus = float(loss_value().item())
                    flat[j] = orig
                    num[k] = (plus - minus) / (2 * eps)
                ana = ana_full[idx]
                diff = np.abs(ana - num)
                w = int(np.argmax(diff)) if diff.size else 0
                worst_index = (tuple(int(v) for v in np.unravel_index(int(idx[w]), p.shape))
                               if diff.size else ())
                rows.append(ParameterCheck(name, tuple(p.shape), int(idx.size), _rel(ana, num),
                                           float(diff.max()) if diff.size else 0.0, worst_index,
                                           float(ana[w]) if diff.size else 0.0,
                                           float(num[w]) if diff.size else 0.0))
                all_ana.append(ana)
                all_num.append(num)
    finally:
        _random.set_rng_state(rng_state)
    rel = _rel(np.concatenate(all_ana), np.concatenate(all_num))
    worst = max(rows, key=lambda r: r.max_abs_diff)
    return GradientCheckReport(rel, relative_error_verdict(rel), rows, worst, eps)


# ---------------------------------------------------------------- per-op audit
@dataclass
class AuditRow:
    """One graph node's backward compared with finite differences of its forward."""

    seq: int
    op: str
    input_shapes: list
    relative_error: float | None
    status: str
    where: str


@dataclass
class AuditReport:
    """Result of ``audit_graph``: one row per op in creation order; ``first_wrong`` names the
    earliest op whose backward disagrees with its forward."""

    rows: list
    first_wrong: AuditRow | None

    @property
    def passed(self) -> bool:
        return self.first_wrong is None

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        width = max([len(r.op) for r in self.rows] + [2])
        lines = [f"{'#':>4}  {'op':<{width}}  {'inputs':<28} {'rel. error':>10}  status"]
        for r in self.rows:
            err = "-" if r.relative_error is None else f"{r.relative_error:.2e}"
            shapes = ", ".join(str(s) for s in r.input_shapes)
            lines.append(f"{r.seq:>4}  {r.op:<{width}}  {shapes:<28} {err:>10}  {r.status}")
        if self.first_wrong is not None:
            w = self.first_wrong
            lines.append(f"first wrong backward: {w.op} (relative error {w.relative_error:.3g}), "
                         f"created at {w.where}")
        else:
            checked = sum(r.relative_error is not None for r in self.rows)
            lines.append(f"all {checked} checked backward formulas agree with finite "
                         f"differences (where the op is differentiable)")
        return "\n".join(lines)

    __repr__ = __str__


def _graph_nodes(roots) -> list:
    seen = {}
    stack = [t.grad_fn for t in roots if isinstance(t, Tensor) and t.grad_fn is not None]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen[id(node)] = node
        for edge in node._edges:
            if edge is not None and not isinstance(edge[0], Tensor):
                stack.append(edge[0])
    return list(seen.values())


def _audit_args(rec: NodeRecord):
    """float64 copies of the recorded arguments; the differentiable ones become fresh leaves."""
    memo = {}
    out = []
    for a in rec.args:
        if isinstance(a, Tensor):
            if id(a) not in memo:
                if a.dtype.kind == "f":
                    memo[id(a)] = Tensor._make(a._data.astype(np.float64), a.requires_grad, None)
                else:
                    memo[id(a)] = Tensor._make(a._data.copy(), False, None)
            out.append(memo[id(a)])
        elif isinstance(a, np.dtype) and a.kind == "f":
            out.append(np.dtype(np.float64))
        else:
            out.append(a)
    return out


def _differentiable(outs) -> list:
    outs = outs if isinstance(outs, tuple) else (outs,)
    return [o for o in outs if isinstance(o, Tensor) and o.requires_grad and o.dtype.kind == "f"]


def _audit_node(node, rec: NodeRecord, eps: float, directions: int, rng) -> tuple:
    if rec.args is None:
        return None, "not recorded (run the forward inside debug.record())"
    if any(isinstance(a, Tensor) and a._version != v for a, v in zip(rec.args, rec.arg_versions)):
        return None, "skipped: an input was modified in place after the op"
    cls = type(node)
    args = _audit_args(rec)
    leaves = []
    for a in args:
        if isinstance(a, Tensor) and a.requires_grad and all(a is not b for b in leaves):
            leaves.append(a)
    if not leaves:
        return None, "skipped: no differentiable input"
    state = _random.get_rng_state()

    def run(call_args):
        _random.set_rng_state(state)
        return cls.apply(*call_args)

    with grad_mode.enable_grad():
        outs = _differentiable(run(args))
    if not outs:
        return None, "skipped: no differentiable output"
    if any(o.dtype != np.float64 for o in outs):
        return None, f"skipped: output is {outs[0].dtype}, not float64"
    if any(not np.isfinite(o._data).all() for o in outs):
        return None, "skipped: output not finite"
    vs = [Tensor._make(rng.standard_normal(o.shape), False, None) for o in outs]
    grads = _grad(outs, leaves, vs, allow_unused=True)
    center = sum(float(np.sum(o._data * v._data)) for o, v in zip(outs, vs))
    worst = 0.0      # largest relative error, reported
    judged = 0.0     # the same over differences above round-off, which decides the verdict
    kink = False     # the op is not differentiable at this input along some direction
    for leaf, g in zip(leaves, grads):
        for _ in range(directions):
            u = rng.standard_normal(leaf.shape)
            ana = 0.0 if g is None else float(np.sum(g._data * u))
            values = []
            for sign in (1.0, -1.0):
                moved = Tensor._make(leaf._data + sign * eps * u, False, None)
                call = [moved if a is leaf else (a.detach() if isinstance(a, Tensor) else a)
                        for a in args]
                with grad_mode.no_grad():
                    res = run(call)
                res = res if isinstance(res, tuple) else (res,)
                res = [r for r in res if isinstance(r, Tensor) and r.dtype.kind == "f"]
                values.append(sum(float(np.sum(r._data * v._data))
                                  for r, v in zip(_match(res, outs), vs)))
            num = (values[0] - values[1]) / (2 * eps)
            diff = abs(num - ana)
            scale = abs(num) + abs(ana)
            if not scale:
                continue
            worst = max(worst, diff / scale)
            if diff <= 1e-7 * max(1.0, float(np.linalg.norm(u))):
                continue
            # smooth functions have equal one-sided slopes up to O(eps); a kink (relu at 0,
            # ties in max) makes them differ at O(1), and then no gradient can match
            right, left = (values[0] - center) / eps, (center - values[1]) / eps
            if abs(right - left) > 1e-3 * (abs(right) + abs(left)) + 1e-7:
                kink = True
            else:
                judged = max(judged, diff / scale)
    verdict = relative_error_verdict(judged)
    if kink and verdict == "fine":
        return worst, "kink (not differentiable at this input)"
    return worst, verdict


def _match(res, outs) -> list:
    """Pick the forward outputs of a no-grad re-run that correspond to the differentiable ones."""
    if len(res) == len(outs):
        return res
    return [r for r in res if any(r.shape == o.shape for o in outs)][:len(outs)]


def audit_graph(loss, *args, eps: float = 1e-6, directions: int = 2,
                seed: int = 0) -> AuditReport:
    """Check every op's backward in the graph of ``loss`` against finite differences of its own
    forward, on the inputs it really saw (in float64). No library has this; torch's closest is
    running gradcheck by hand per op.

    The graph must have been recorded: ``with debug.record(model): loss = ...`` then
    ``audit_graph(loss)``; or pass a function and its arguments, ``audit_graph(fn, *args)``.
    Each node gets a random vector-Jacobian product compared with a directional derivative.
    """
    if callable(loss) and not isinstance(loss, Tensor):
        with record():
            loss = loss(*args)
    roots = list(loss) if isinstance(loss, (tuple, list)) else [loss]
    nodes = _graph_nodes(roots)
    recorded = [(record_of(n), n) for n in nodes if record_of(n) is not None]
    if not recorded:
        raise ValueError(
            "audit_graph: this graph was not recorded, so the ops' inputs are unknown. Run the "
            "forward pass inside `with autograd.debug.record(): ...` (or pass a function: "
            "audit_graph(fn, *inputs)).")
    recorded.sort(key=lambda pair: pair[0].seq)
    rng = np.random.default_rng(seed)
    rows = []
    first = None
    for rec, node in recorded:
        shapes = [tuple(a.shape) for a in (rec.args or ()) if isinstance(a, Tensor)]
        err, status = _audit_node(node, rec, eps, directions, rng)
        row = AuditRow(rec.seq, rec.op, shapes, err, status, rec.where())
        rows.append(row)
        if status == "bug" and first is None:
            first = row
    return AuditReport(rows, first)


# ---------------------------------------------------------------- gradient flow
@dataclass
class GradRow:
    """One parameter's gradient norm, parameter norm, update ratio and flag."""

    name: str
    shape: tuple
    grad_norm: float | None
    param_norm: float
    update_ratio: float | None
    flag: str


@dataclass
class GradReport:
    """Per-parameter gradient statistics after backward (see ``grad_report``)."""

    rows: list
    lr: float

    @property
    def flagged(self) -> list:
        return [r for r in self.rows if r.flag]

    def __str__(self) -> str:
        width = max([len(r.name) for r in self.rows] + [9])
        lines = [f"{'parameter':<{width}}  {'shape':<16} {'|grad|':>10}  {'|param|':>10}  "
                 f"{'lr|g|/|w|':>10}  flag"]
        for r in self.rows:
            g = "none" if r.grad_norm is None else f"{r.grad_norm:.3e}"
            u = "-" if r.update_ratio is None else f"{r.update_ratio:.2e}"
            lines.append(f"{r.name:<{width}}  {str(r.shape):<16} {g:>10}  {r.param_norm:>10.3e}  "
                         f"{u:>10}  {r.flag}")
        lines.append(f"(update ratio for plain SGD with lr={self.lr:g}; ~1e-3 is healthy, much "
                     f"smaller means the layer barely learns, much larger that it is unstable)")
        return "\n".join(lines)

    __repr__ = __str__


def grad_report(model, lr: float = 1e-3, vanishing: float = 1e-3,
                exploding: float = 1e3) -> GradReport:
    """Per-parameter gradient norm and update ratio ``lr*|grad|/|param|`` after backward, with
    layers flagged as vanishing (norm below ``vanishing`` x the median) or exploding (above
    ``exploding`` x the median, or not finite). No torch equivalent."""
    if not hasattr(model, "named_parameters"):
        raise TypeError(f"grad_report: expected an nn.Module, got {type(model).__name__}")
    rows = []
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        pnorm = float(np.linalg.norm(p._data))
        if p.grad is None:
            rows.append(GradRow(name, tuple(p.shape), None, pnorm, None, "no gradient"))
            continue
        gnorm = float(np.linalg.norm(p.grad._data.astype(np.float64)))
        ratio = lr * gnorm / pnorm if pnorm else None
        rows.append(GradRow(name, tuple(p.shape), gnorm, pnorm, ratio, ""))
    norms = [r.grad_norm for r in rows if r.grad_norm is not None and np.isfinite(r.grad_norm)]
    median = float(np.median(norms)) if norms else 0.0
    for r in rows:
        if r.grad_norm is None:
            continue
        if not np.isfinite(r.grad_norm):
            r.flag = "not finite (exploding)"
        elif r.grad_norm == 0.0:
            r.flag = "zero gradient (vanishing / dead)"
        elif median and r.grad_norm < vanishing * median:
            r.flag = f"vanishing ({r.grad_norm / median:.1e} x median)"
        elif median and r.grad_norm > exploding * median:
            r.flag = f"exploding ({r.grad_norm / median:.1e} x median)"
    return GradReport(rows, lr)


def plot_grad_flow(model, ax=None, weights_only: bool = True):
    """Bar chart of mean and max |grad| per layer on a log scale (needs matplotlib); returns the
    Axes. Vanishing layers show as short bars at the input end. No torch equivalent."""
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError("plot_grad_flow needs matplotlib: pip install matplotlib (or use the "
                          "text version, grad_report(model))") from None
    names, means, maxes = [], [], []
    for name, p in model.named_parameters():
        if not p.requires_grad or (weights_only and (name.endswith("bias") or p.ndim < 2)):
            continue
        g = np.abs(p.grad._data) if p.grad is not None else np.zeros(1)
        names.append(name)
        means.append(float(g.mean()))
        maxes.append(float(g.max()))
    if ax is None:
        _, ax = plt.subplots(figsize=(max(4.0, 0.5 * len(names) + 2), 3.5))
    x = np.arange(len(names))
    floor = 1e-12
    ax.bar(x, np.maximum(maxes, floor), alpha=0.35, color="tab:cyan", label="max |grad|")
    ax.bar(x, np.maximum(means, floor), alpha=0.9, color="tab:blue", label="mean |grad|")
    ax.set_yscale("log")
    ax.set_xticks(x)
    ax.set_xticklabels(names, rotation=60, ha="right", fontsize=8)
    ax.set_ylabel("gradient magnitude")
    ax.set_title("gradient flow (input layers on the left)")
    ax.legend(fontsize=8)
    return ax
