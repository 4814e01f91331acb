"""Finite-difference gradient checks: gradcheck / gradgradcheck (torch-compatible) with the
course notes' relative-error report."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from .engine import grad as autograd_grad
from .tensor import Tensor


class GradcheckError(RuntimeError):
    """Raised by gradcheck when analytical and numerical gradients disagree."""


@dataclass
class InputReport:
    """How one input's analytical gradient compares with two-sided finite differences."""

    index: int
    shape: tuple
    relative_error: float
    max_abs_diff: float
    worst_index: tuple
    analytical: float
    numerical: float
    passed: bool


def _as_tuple(x):
    return x if isinstance(x, tuple) else (x,)


def _outputs(func, inputs):
    out = _as_tuple(func(*inputs))
    return [o for o in out if isinstance(o, Tensor) and o.dtype.kind in "fc"]


def _numerical_jacobians(func, inputs, eps):
    """J[i] has shape (n_outputs_total, input_i.numel()) from central differences."""
    base = _outputs(func, inputs)
    n_out = sum(o.numel() for o in base)
    jacs = []
    for t in inputs:
        if not (isinstance(t, Tensor) and t.requires_grad):
            jacs.append(None)
            continue
        flat = t._data.reshape(-1)
        if not flat.flags.writeable or np.shares_memory(flat, t._data) is False:
            raise RuntimeError("gradcheck: inputs must own writeable contiguous memory")
        jac = np.zeros((n_out, flat.size), dtype=np.float64)
        for j in range(flat.size):
            orig = flat[j]
            flat[j] = orig + eps
            plus = np.concatenate([o._data.reshape(-1).astype(np.float64)
                                       for o in _outputs(func, inputs)]) if n_out else np.zeros(0)
            flat[j] = orig - eps
            minus = np.concatenate([o._data.reshape(-1).astype(np.float64)
                                        for o in _outputs(func, inputs)]) if n_out else np.zeros(0)
            flat[j] = orig
            jac[:, j] = (plus - minus) / (2 * eps)
        jacs.append(jac)
    return jacs


def _analytical_jacobians(func, inputs):
    outs = _outputs(func, inputs)
    diff_inputs = [t for t in inputs if isinstance(t, Tensor) and t.requires_grad]
    n_out = sum(o.numel() for o in outs)
    jacs = {id(t): np.zeros((n_out, t.numel()), dtype=np.float64) for t in diff_inputs}
    row = 0
    for o in outs:
        for k in range(o.numel()):
            if not o.requires_grad:
                row += 1
                continue
            seed = np.zeros(o.shape, dtype=o.dtype)
            seed.reshape(-1)[k] = 1
            grads = autograd_grad(o, diff_inputs, Tensor._make(seed, False, None),
                                  retain_graph=True, allow_unused=True)
            for t, g in zip(diff_inputs, grads):
                if g is not None:
                    if g.shape != t.shape:
                        raise GradcheckError(
                            f"gradcheck: gradient of input has shape {tuple(g.shape)}, expected "
                            f"{tuple(t.shape)}")
                    jacs[id(t)][row] = g._data.reshape(-1)
            row += 1
    return [jacs.get(id(t)) if isinstance(t, Tensor) and t.requires_grad else None
            for t in inputs]


def relative_error(analytical: np.ndarray, numerical: np.ndarray) -> float:
    """The course notes' ||g_num - g_ana|| / (||g_num|| + ||g_ana||), 0 when both are 0."""
    denom = np.linalg.norm(numerical) + np.linalg.norm(analytical)
    return float(np.linalg.norm(numerical - analytical) / denom) if denom else 0.0


def gradcheck_report(func, inputs, eps: float = 1e-6, atol: float = 1e-5,
                     rtol: float = 1e-3) -> list:
    """Compare analytical and numerical Jacobians; one InputReport per differentiable input."""
    inputs = _as_tuple(inputs)
    for t in inputs:
        if isinstance(t, Tensor) and t.requires_grad and t.dtype != np.float64:
            warnings.warn(
                f"gradcheck: input of dtype {t.dtype} is not float64; finite differences in "
                "single precision are too noisy to be trusted. Use .double().", stacklevel=3)
    numerical = _numerical_jacobians(func, inputs, eps)
    analytical = _analytical_jacobians(func, inputs)
    reports = []
    for i, (t, num, ana) in enumerate(zip(inputs, numerical, analytical)):
        if num is None:
            continue
        diff = np.abs(num - ana)
        tol = atol + rtol * np.abs(num)
        bad = diff - tol
        if diff.size:
            worst = np.unravel_index(np.argmax(bad), diff.shape)
            out_row, in_col = int(worst[0]), int(worst[1])
            idx = tuple(int(v) for v in np.unravel_index(in_col, t.shape)) if t.shape else ()
            a_val, n_val = float(ana[out_row, in_col]), float(num[out_row, in_col])
            max_abs = float(diff.max())
            passed = bool(np.all(diff <= tol))
        else:
            idx, a_val, n_val, max_abs, passed = (), 0.0, 0.0, 0.0, True
        reports.append(InputReport(i, tuple(t.shape), relative_error(ana, num), max_abs, idx,
                                   a_val, n_val, passed))
    return reports


def gradcheck(func, inputs, *, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
              raise_exception: bool = True, **unused) -> bool:
    """Check gradients of ``func`` at ``inputs`` against two-sided finite differences
    (torch.autograd.gradcheck). Inputs that require grad should be float64."""
    reports = gradcheck_report(func, inputs, eps, atol, rtol)
    for r in reports:
        if not r.passed:
            if raise_exception:
                raise GradcheckError(
                    f"Jacobian mismatch for input {r.index} (shape {r.shape}): worst element "
                    f"{r.worst_index}: analytical {r.analytical:.6g} vs numerical "
                    f"{r.numerical:.6g}; max |diff| {r.max_abs_diff:.3g}; relative error "
                    f"{r.relative_error:.3g} (notes' thresholds: ~1e-7 fine, 1e-5 look closer, "
                    f"1e-3 a bug)")
            return False
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps: float = 1e-6, atol: float = 1e-5,
                  rtol: float = 1e-3, raise_exception: bool = True, **unused) -> bool:
    """Check second derivatives: gradcheck of the vector-Jacobian product of ``func``
    (torch.autograd.gradgradcheck)."""
    inputs = _as_tuple(inputs)
    diff_idx = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    # one grad_output per float output that is differentiable (e.g. LU's permutation is not)
    outs = [o for o in _outputs(func, inputs) if o.requires_grad]
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = tuple(
            Tensor._make(rng.standard_normal(o.shape).astype(o.dtype), True, None) for o in outs)
    grad_outputs = _as_tuple(grad_outputs)
    n = len(inputs)

    def vjp(*args):
        xs, gos = args[:n], args[n:]
        ys = [o for o in _outputs(func, xs) if o.requires_grad]
        grads = autograd_grad(ys, [xs[i] for i in diff_idx], list(gos), create_graph=True,
                              allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(vjp, tuple(inputs) + tuple(grad_outputs), eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
