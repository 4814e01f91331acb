"""Fused ops: composites that profiling showed to pay for one forward pass over arrays.

softmax, log_softmax, layer_norm, linear, the class-index cross-entropy and an LSTM step's gate
nonlinearities are each a single node here instead of 3 to 15 primitive ones (each primitive
costs a few microseconds of graph bookkeeping on top of its numpy work). Their backwards are
still written in Tensor ops: without ``create_graph`` they use arrays kept from forward as
constants; with it they recompute those from the saved inputs by differentiable ops, so double
backward stays exact.
"""

from __future__ import annotations

import numpy as np

from .. import dtypes, grad_mode
from ..tensor import Tensor
from ._base import Op, const, norm_dim, quietly
from ._names import named
from .linalg import matmul
from .shape import cat, reshape, stack, transpose


def _max_shift(x: np.ndarray, dim: int) -> np.ndarray:
    """x minus its maximum along ``dim``; rows whose maximum is -inf (all -inf) are not shifted,
    so they give nan like torch, and a +inf maximum gives nan as in torch."""
    peak = x.max(axis=dim, keepdims=True)
    if peak.dtype.kind == "f" and not np.isfinite(peak).all():
        peak = np.where(peak == -np.inf, 0, peak).astype(x.dtype, copy=False)
    return quietly(np.subtract, x, peak)


def _log_softmax_array(x: np.ndarray, dim: int) -> np.ndarray:
    shifted = _max_shift(x, dim)
    lse = quietly(np.log, np.exp(shifted).sum(axis=dim, keepdims=True))
    return quietly(np.subtract, shifted, lse)


def _softmax_array(x: np.ndarray, dim: int) -> np.ndarray:
    e = np.exp(_max_shift(x, dim))
    return quietly(np.divide, e, e.sum(axis=dim, keepdims=True))


def _row_sum(t: Tensor, dim: int) -> Tensor:
    return t.sum(dim, keepdim=True) if t.ndim else t


class Softmax(Op):
    """exp(x) / sum exp(x) along one dim; backward y * (g - sum(g * y))."""

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        xd = x._data
        y = _softmax_array(xd, dim) if xd.ndim and xd.size else \
            quietly(np.divide, np.exp(xd - xd), np.exp(xd - xd))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return y * (grad - _row_sum(grad * y, ctx.dim)), None


class LogSoftmax(Op):
    """x - log sum exp(x) along one dim; backward g - exp(y) * sum(g)."""

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        xd = x._data
        y = _log_softmax_array(xd, dim) if xd.ndim and xd.size else quietly(np.subtract, xd, xd)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad - y.exp() * _row_sum(grad, ctx.dim), None


def _softmax_args(name: str, input: Tensor, dim: int, dtype) -> tuple:
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}: expected a Tensor, got {type(input).__name__}")
    if dtype is not None:
        input = input.to(dtypes.as_dtype(dtype))
    elif input.dtype.kind not in "fc":
        raise RuntimeError(f"{name}: expected a floating point input, got {input.dtype}")
    return input, norm_dim(int(dim), input._data.ndim, name)


def softmax(input: Tensor, dim: int, dtype=None) -> Tensor:
    """exp(x_i) / sum_j exp(x_j) along ``dim``, one fused node (torch.softmax)."""
    input, dim = _softmax_args("softmax", input, dim, dtype)
    return Softmax.apply(input, dim)


def log_softmax(input: Tensor, dim: int, dtype=None) -> Tensor:
    """x_i - log sum_j exp(x_j) along ``dim``, one fused node (torch.log_softmax)."""
    input, dim = _softmax_args("log_softmax", input, dim, dtype)
    return LogSoftmax.apply(input, dim)


class CrossEntropyIndices(Op):
    """Mean softmax cross-entropy of (N, C) logits against N class indices in one node.

    Backward is (softmax(x) - onehot(target)) * g / N: the probabilities come from forward
    (constants) unless the backward is being recorded, where softmax is recomputed as an op."""

    @staticmethod
    def forward(ctx, x, target):
        xd, t = x._data, target._data
        n = xd.shape[0]
        logp = _log_softmax_array(xd, 1)
        rows = np.arange(n)
        loss = np.asarray(-logp[rows, t].mean(dtype=xd.dtype), dtype=xd.dtype)
        ctx.save_for_backward(x)
        ctx.rows, ctx.target, ctx.count = rows, t, n
        ctx.probs = np.exp(logp)
        return loss

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        if grad_mode.STATE.enabled:
            probs = softmax(x, 1)
        else:
            probs = const(ctx.probs)
        onehot = np.zeros(x.shape, dtype=x.dtype)
        onehot[ctx.rows, ctx.target] = 1
        return (probs - const(onehot)) * (grad / ctx.count), None

    def _free_extra(self) -> None:
        self.probs = None


def cross_entropy_indices(input: Tensor, target: Tensor) -> Tensor:
    """Mean cross-entropy of (N, C) float logits and (N,) int64 class indices in range, without
    weights, ignored entries or smoothing: the common case of
    torch.nn.functional.cross_entropy, fused. Callers check the general arguments."""
    if input.ndim != 2 or target.ndim != 1 or target.shape[0] != input.shape[0] \
            or target.dtype.kind not in "iu" or input.dtype.kind != "f" or not input.shape[0]:
        raise RuntimeError(
            f"cross_entropy_indices: expected (N, C) float logits and (N,) integer targets with "
            f"N > 0, got {tuple(input.shape)} {input.dtype} and {tuple(target.shape)} "
            f"{target.dtype}")
    return CrossEntropyIndices.apply(input, target)


class LayerNorm(Op):
    """(x - mean) / sqrt(var + eps) over the trailing ``k`` dims, times weight plus bias."""

    @staticmethod
    def forward(ctx, x, weight, bias, k, eps):
        xd = x._data
        axes = tuple(range(xd.ndim - k, xd.ndim))
        mu = xd.mean(axis=axes, keepdims=True)
        xc = xd - mu
        var = np.mean(xc * xc, axis=axes, keepdims=True)
        rstd = 1.0 / np.sqrt(var + eps)
        xhat = xc * rstd
        ctx.axes, ctx.lead, ctx.eps = axes, tuple(range(xd.ndim - k)), eps
        ctx.xhat, ctx.rstd = xhat, rstd
        ctx.save_for_backward(x, weight, bias)
        y = xhat * weight._data if weight is not None else xhat.copy()
        if bias is not None:
            y += bias._data
        return y

    @staticmethod
    def backward(ctx, grad):
        x, weight, _ = ctx.saved_tensors
        axes, lead = ctx.axes, ctx.lead
        if grad_mode.STATE.enabled:
            xc = x - x.mean(axes, keepdim=True)
            rstd = ((xc * xc).mean(axes, keepdim=True) + ctx.eps).rsqrt()
            xhat = xc * rstd
        else:
            xhat, rstd = const(ctx.xhat), const(ctx.rstd)
        needs = ctx.needs_input_grad
        gx = gw = gb = None
        if needs[0]:
            gxh = grad * weight if weight is not None else grad
            gx = rstd * (gxh - gxh.mean(axes, keepdim=True)
                         - xhat * (gxh * xhat).mean(axes, keepdim=True))
        if needs[1]:
            gw = grad * xhat
            gw = gw.sum(lead) if lead else gw
        if needs[2]:
            gb = grad.sum(lead) if lead else grad
        return gx, gw, gb, None, None

    def _free_extra(self) -> None:
        self.xhat = self.rstd = None


def layer_norm(input: Tensor, normalized_shape, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Layer normalisation over the trailing ``normalized_shape`` dims, one fused node
    (torch.layer_norm)."""
    shape = (int(normalized_shape),) if isinstance(normalized_shape, (int, np.integer)) \
        else tuple(int(s) for s in normalized_shape)
    k = len(shape)
    if not k or input.ndim < k or tuple(input.shape[input.ndim - k:]) != shape:
        raise RuntimeError(
            f"layer_norm: Given normalized_shape={list(shape)}, expected input with shape "
            f"[*, {', '.join(str(s) for s in shape)}], but got input of size "
            f"{list(input.shape)}")
    if input.dtype.kind != "f":
        raise RuntimeError(f"layer_norm: expected a floating point input, got {input.dtype}")
    for name, p in (("weight", weight), ("bias", bias)):
        if p is not None and (tuple(p.shape) != shape or p.dtype != input.dtype):
            raise RuntimeError(
                f"layer_norm: {name} of shape {tuple(p.shape)} and dtype {p.dtype} does not "
                f"match normalized_shape {shape} and input dtype {input.dtype}")
    return LayerNorm.apply(input, weight, bias, k, float(eps))


class Linear(Op):
    """x W^T + b over the last dim as one 2-D GEMM; the weight gradient comes out contiguous
    (g^T x), not as the transpose of (x^T g)."""

    @staticmethod
    def forward(ctx, x, weight, bias):
        xd, w = x._data, weight._data
        y = np.matmul(xd.reshape(-1, w.shape[1]), w.T)
        if y.dtype != xd.dtype:  # bfloat16: ml_dtypes returns the float32 product
            y = y.astype(xd.dtype)
        if bias is not None:
            y += bias._data
        ctx.save_for_backward(x, weight)
        return y.reshape(xd.shape[:-1] + (w.shape[0],))

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        needs = ctx.needs_input_grad
        g2 = reshape(grad, (-1, weight.shape[0]))
        gx = matmul(grad, weight) if needs[0] else None
        gw = matmul(transpose(g2, 0, 1), reshape(x, (-1, weight.shape[1]))) if needs[1] else None
        gb = g2.sum(0) if needs[2] else None
        return gx, gw, gb


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y = x W^T + b for float (*, in) input, (out, in) weight and (out,) bias of one dtype, as
    one node (torch.nn.functional.linear's common case; callers check the general one)."""
    ok = input.ndim >= 1 and weight.ndim == 2 and input.shape[-1] == weight.shape[1] \
        and input.dtype.kind == "f" and weight.dtype == input.dtype and (
            bias is None or (bias.ndim == 1 and bias.shape[0] == weight.shape[0]
                             and bias.dtype == input.dtype))
    if not ok:
        raise RuntimeError(
            f"linear: expected float input (*, in), weight (out, in) and bias (out,) of one "
            f"dtype, got {tuple(input.shape)} {input.dtype}, {tuple(weight.shape)} "
            f"{weight.dtype} and {None if bias is None else (tuple(bias.shape), bias.dtype)}")
    out = Linear.apply(input, weight, bias)
    if input._data.ndim == 2:  # torch's node for a matrix input; other ranks add views
        named(out, "MmBackward0" if bias is None else "AddmmBackward0")
    return out


def _sigmoid_into(out: np.ndarray, x: np.ndarray) -> None:
    # 0.5 * (1 + tanh(x / 2)): never overflows, unlike 1 / (1 + exp(-x))
    np.multiply(x, 0.5, out=out)
    np.tanh(out, out=out)
    out += 1
    out *= 0.5


class LSTMGates(Op):
    """One LSTM step's pointwise part: from pre-activation gates (i, f, g, o order) and c to
    (h, c'), with c' = sigmoid(f) c + sigmoid(i) tanh(g) and h = sigmoid(o) tanh(c')."""

    @staticmethod
    def forward(ctx, gates, c):
        gd, cd = gates._data, c._data
        H = cd.shape[-1]
        act = np.empty_like(gd)
        _sigmoid_into(act[..., :2 * H], gd[..., :2 * H])
        np.tanh(gd[..., 2 * H:3 * H], out=act[..., 2 * H:3 * H])
        _sigmoid_into(act[..., 3 * H:], gd[..., 3 * H:])
        i, f, g, o = act[..., :H], act[..., H:2 * H], act[..., 2 * H:3 * H], act[..., 3 * H:]
        c_new = f * cd
        c_new += i * g
        tc = np.tanh(c_new)
        ctx.H, ctx.act, ctx.tc = H, act, tc
        ctx.save_for_backward(gates, c)
        return o * tc, c_new

    @staticmethod
    def backward(ctx, grad_h, grad_c):
        gates, c = ctx.saved_tensors
        H = ctx.H
        if grad_mode.STATE.enabled:
            i, f = gates[..., :H].sigmoid(), gates[..., H:2 * H].sigmoid()
            g, o = gates[..., 2 * H:3 * H].tanh(), gates[..., 3 * H:].sigmoid()
            tc = (f * c + i * g).tanh()
            coef_c = o * (1 - tc * tc)
            coef = cat([g * i * (1 - i), c * f * (1 - f), i * (1 - g * g), tc * o * (1 - o)], -1)
        else:
            act, tcd, cd = ctx.act, ctx.tc, c._data
            i, fd, g, o = act[..., :H], act[..., H:2 * H], act[..., 2 * H:3 * H], act[..., 3 * H:]
            coef_c = const(o * (1 - tcd * tcd))
            coef = const(np.concatenate(
                [g * i * (1 - i), cd * fd * (1 - fd), i * (1 - g * g), tcd * o * (1 - o)], -1))
            f = const(fd)
        grad_c_total = grad_c + grad_h * coef_c
        grad_gates = cat([grad_c_total, grad_c_total, grad_c_total, grad_h], -1) * coef
        return grad_gates, grad_c_total * f

    def _free_extra(self) -> None:
        self.act = self.tc = None


def lstm_gates(gates: Tensor, c: Tensor) -> tuple:
    """(h, c') of one LSTM step from its pre-activation gates (*, 4H) in torch's i, f, g, o
    order and the cell state (*, H), as one node (the pointwise half of torch.nn.LSTMCell)."""
    if gates.ndim < 1 or c.ndim != gates.ndim or gates.shape[-1] != 4 * c.shape[-1] \
            or gates.shape[:-1] != c.shape[:-1] or gates.dtype.kind != "f" \
            or c.dtype != gates.dtype:
        raise RuntimeError(
            f"lstm_gates: expected gates (*, 4H) and cell state (*, H) of one float dtype, got "
            f"{tuple(gates.shape)} {gates.dtype} and {tuple(c.shape)} {c.dtype}")
    return LSTMGates.apply(gates, c)


class LSTMSequence(Op):
    """A whole single-direction LSTM layer over time: from the input projections (T, B, 4H)
    (x W_ih^T + biases), W_hh (4H, H) and the initial (h0, c0) (B, H), to (output (T, B, H),
    h_T, c_T).

    Forward is the time loop on arrays. Backward is backpropagation through time in Tensor ops:
    per step a handful of ops on precomputed coefficients, and the W_hh gradient as one GEMM over
    all steps (instead of one per step plus 49 accumulations). Under create_graph the coefficients
    are recomputed from the inputs by the differentiable per-step formula."""

    @staticmethod
    def forward(ctx, xp, w_hh, h0, c0):
        xd, w = xp._data, w_hh._data
        T, B, H = xd.shape[0], xd.shape[1], w.shape[1]
        acts = np.empty_like(xd)
        cs = np.empty((T + 1, B, H), xd.dtype)
        hs = np.empty((T + 1, B, H), xd.dtype)
        tcs = np.empty((T, B, H), xd.dtype)
        cs[0], hs[0] = c0._data, h0._data
        wt = w.T
        for t in range(T):
            a = acts[t]
            np.matmul(hs[t], wt, out=a)
            a += xd[t]
            _sigmoid_into(a[:, :2 * H], a[:, :2 * H])
            np.tanh(a[:, 2 * H:3 * H], out=a[:, 2 * H:3 * H])
            _sigmoid_into(a[:, 3 * H:], a[:, 3 * H:])
            np.multiply(a[:, H:2 * H], cs[t], out=cs[t + 1])
            cs[t + 1] += a[:, :H] * a[:, 2 * H:3 * H]
            np.tanh(cs[t + 1], out=tcs[t])
            np.multiply(a[:, 3 * H:], tcs[t], out=hs[t + 1])
        outputs = hs[1:].copy(), hs[T].copy(), cs[T].copy()
        ctx.coef, ctx.coef_c, ctx.forget = _lstm_coefficients(acts, cs, tcs, H)
        ctx.hs = hs
        ctx.save_for_backward(xp, w_hh, h0, c0)
        return outputs

    @staticmethod
    def backward(ctx, grad_out, grad_h, grad_c):
        xp, w_hh, h0, c0 = ctx.saved_tensors
        T, H = xp.shape[0], w_hh.shape[1]
        if grad_mode.STATE.enabled:
            steps, h_prev = _lstm_coefficients_recorded(xp, w_hh, h0, c0)
        else:
            coef, coef_c, forget = ctx.coef, ctx.coef_c, ctx.forget
            steps = [(const(coef_c[t]), const(coef[t]), const(forget[t])) for t in range(T)]
            h_prev = const(ctx.hs[:-1])
        grads_out = grad_out.unbind(0)
        dgates = [None] * T
        dh, dc = grad_h, grad_c
        for t in range(T - 1, -1, -1):
            coef_c, coef, f = steps[t]
            dh = dh + grads_out[t]
            dc = dc + dh * coef_c
            dg = dgates[t] = cat([dc, dc, dc, dh], -1) * coef
            dc = dc * f
            dh = matmul(dg, w_hh)
        dgates = stack(dgates, 0)
        flat = reshape(dgates, (-1, 4 * H))
        grad_w = matmul(transpose(flat, 0, 1), reshape(h_prev, (-1, H)))
        return dgates, grad_w, dh, dc

    def _free_extra(self) -> None:
        self.coef = self.coef_c = self.forget = self.hs = None


def _lstm_coefficients(acts, cs, tcs, H: int) -> tuple:
    """The backward's coefficients (coef, coef_c, f) for all steps: dc += dh * coef_c,
    dgates = [dc, dc, dc, dh] * coef, dc_prev = dc * f. Made at the end of forward, turning the
    activations into coef in place, so backward allocates nothing sequence-sized for them."""
    i, f, g, o = acts[..., :H], acts[..., H:2 * H], acts[..., 2 * H:3 * H], acts[..., 3 * H:]
    forget = f.copy()
    coef_c = np.multiply(tcs, tcs)
    np.subtract(1, coef_c, out=coef_c)
    coef_c *= o                                   # o (1 - tanh(c)^2)
    o *= 1 - o
    o *= tcs                                      # tanh(c) o (1 - o)
    f *= 1 - f
    f *= cs[:-1]                                  # c_prev f (1 - f)
    g_before = g.copy()
    np.multiply(g, g, out=g)
    np.subtract(1, g, out=g)
    g *= i                                        # i (1 - g^2)
    i *= 1 - i
    i *= g_before                                 # g i (1 - i)
    return acts, coef_c, forget


def _lstm_coefficients_recorded(xp, w_hh, h0, c0):
    """The same coefficients as differentiable functions of the inputs (create_graph)."""
    H = w_hh.shape[1]
    w_t = transpose(w_hh, 0, 1)
    h, c = h0, c0
    steps, h_prev = [], []
    for x_t in xp.unbind(0):
        gates = x_t + matmul(h, w_t)
        i, f = gates[..., :H].sigmoid(), gates[..., H:2 * H].sigmoid()
        g, o = gates[..., 2 * H:3 * H].tanh(), gates[..., 3 * H:].sigmoid()
        c_new = f * c + i * g
        tc = c_new.tanh()
        coef = cat([g * i * (1 - i), c * f * (1 - f), i * (1 - g * g), tc * o * (1 - o)], -1)
        steps.append((o * (1 - tc * tc), coef, f))
        h_prev.append(h)
        h, c = o * tc, c_new
    return steps, stack(h_prev, 0)


def lstm_sequence(xp: Tensor, w_hh: Tensor, h0: Tensor, c0: Tensor) -> tuple:
    """(output, h_T, c_T) of one LSTM layer in one direction from the input projections
    (T, B, 4H), W_hh (4H, H) and (h0, c0) (B, H), in torch's i, f, g, o gate order, as one node."""
    ok = xp.ndim == 3 and w_hh.ndim == 2 and xp.shape[2] == w_hh.shape[0] == 4 * w_hh.shape[1] \
        and h0.shape == c0.shape == (xp.shape[1], w_hh.shape[1]) and xp.dtype.kind == "f" \
        and xp.dtype == w_hh.dtype == h0.dtype == c0.dtype
    if not ok:
        raise RuntimeError(
            f"lstm_sequence: expected projections (T, B, 4H), W_hh (4H, H), h0 and c0 (B, H) of "
            f"one float dtype, got {tuple(xp.shape)}, {tuple(w_hh.shape)}, {tuple(h0.shape)}, "
            f"{tuple(c0.shape)} ({xp.dtype}, {w_hh.dtype}, {h0.dtype}, {c0.dtype})")
    return LSTMSequence.apply(xp, w_hh, h0, c0)


__all__ = ["softmax", "log_softmax", "layer_norm"]

METHODS = {"softmax": softmax, "log_softmax": log_softmax}
