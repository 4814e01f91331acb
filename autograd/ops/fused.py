"""Fused ops: composites that profiling showed to pay for one forward pass over arrays.

softmax, log_softmax, layer_norm, linear, the class-index cross-entropy and an LSTM step's gate
nonlinearities, a whole LSTM layer are each a single node here instead of 3 to 15 primitive ones
(each primitive costs a few microseconds of graph bookkeeping on top of its numpy work). The
array math lives in ``autograd.kernels``.

Each op has two backwards side by side: ``backward`` in Tensor ops, the source of truth, which
recomputes what it needs from the saved inputs by differentiable ops so that double backward is
exact; and ``backward_array`` on raw arrays (kernels, arrays kept from forward), which the engine
uses for first-order passes. When the Tensor ``backward`` is called without recording (no
``create_graph``), it delegates to ``backward_array``; tests compare the two on every op.
"""

from __future__ import annotations

import numpy as np

from .. import dtypes, grad_mode, kernels
from ..function import Function
from ..tensor import Tensor
from ._base import Op, const, norm_dim, quietly
from ._names import named
from .linalg import matmul
from .shape import cat, reshape, stack, transpose

_HAS_SAVED_ARRAYS = isinstance(getattr(Function, "saved_arrays", None), property)


def saved_arrays(ctx) -> tuple:
    """The raw arrays of what forward saved (``ctx.saved_arrays`` where the engine provides it)."""
    if _HAS_SAVED_ARRAYS:
        return ctx.saved_arrays
    return tuple(None if t is None else t._data for t in ctx.saved_tensors)


def as_tensors(grads: tuple) -> tuple:
    """``backward_array``'s result as constant Tensors, for a Tensor ``backward`` that is not
    being recorded."""
    return tuple(None if g is None else const(g) for g in grads)


def _arrays(*grads) -> tuple:
    return tuple(None if g is None else g._data for g in grads)


def _log_softmax_array(x: np.ndarray, dim: int) -> np.ndarray:
    return quietly(kernels.log_softmax_forward, x, dim)


def _softmax_array(x: np.ndarray, dim: int) -> np.ndarray:
    return quietly(kernels.softmax_forward, x, dim)


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
        if not grad_mode.STATE.enabled:
            return as_tensors(Softmax.backward_array(ctx, grad._data))
        (y,) = ctx.saved_tensors
        return y * (grad - _row_sum(grad * y, ctx.dim)), None

    @staticmethod
    def backward_array(ctx, grad):
        (y,) = saved_arrays(ctx)
        if not y.ndim:
            return quietly(np.multiply, y, grad - grad * y), None
        return quietly(kernels.softmax_backward, grad, y, ctx.dim), None


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
        if not grad_mode.STATE.enabled:
            return as_tensors(LogSoftmax.backward_array(ctx, grad._data))
        (y,) = ctx.saved_tensors
        return grad - y.exp() * _row_sum(grad, ctx.dim), None

    @staticmethod
    def backward_array(ctx, grad):
        (y,) = saved_arrays(ctx)
        if not y.ndim:
            return quietly(np.subtract, grad, np.exp(y) * grad), None
        return quietly(kernels.log_softmax_backward, grad, y, ctx.dim), None


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
        loss, probs = quietly(kernels.cross_entropy_forward, xd, t)
        ctx.save_for_backward(x)
        ctx.target, ctx.count = t, xd.shape[0]
        ctx.probs = probs
        return loss

    @staticmethod
    def backward(ctx, grad):
        if not grad_mode.STATE.enabled:
            return as_tensors(CrossEntropyIndices.backward_array(ctx, grad._data))
        (x,) = ctx.saved_tensors
        probs = softmax(x, 1)
        onehot = np.zeros(x.shape, dtype=x.dtype)
        onehot[np.arange(ctx.count), ctx.target] = 1
        return (probs - const(onehot)) * (grad / ctx.count), None

    @staticmethod
    def backward_array(ctx, grad):
        return quietly(kernels.cross_entropy_backward, grad, ctx.probs, ctx.target), None

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
        y, xhat, rstd = quietly(kernels.layer_norm_forward, xd,
                                None if weight is None else weight._data,
                                None if bias is None else bias._data, k, eps)
        ctx.axes, ctx.lead, ctx.eps, ctx.k = (tuple(range(xd.ndim - k, xd.ndim)),
                                              tuple(range(xd.ndim - k)), eps, k)
        ctx.xhat, ctx.rstd = xhat, rstd
        ctx.save_for_backward(x, weight, bias)
        return y

    @staticmethod
    def backward(ctx, grad):
        if not grad_mode.STATE.enabled:
            return as_tensors(LayerNorm.backward_array(ctx, grad._data))
        x, weight, _ = ctx.saved_tensors
        axes, lead = ctx.axes, ctx.lead
        xc = x - x.mean(axes, keepdim=True)
        rstd = ((xc * xc).mean(axes, keepdim=True) + ctx.eps).rsqrt()
        xhat = xc * rstd
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

    @staticmethod
    def backward_array(ctx, grad):
        weight = saved_arrays(ctx)[1]
        gx, gw, gb = quietly(kernels.layer_norm_backward, grad, ctx.xhat, ctx.rstd, weight, ctx.k,
                             ctx.needs_input_grad)
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
        if not grad_mode.STATE.enabled:
            return as_tensors(Linear.backward_array(ctx, grad._data))
        x, weight = ctx.saved_tensors
        needs = ctx.needs_input_grad
        g2 = reshape(grad, (-1, weight.shape[0]))
        gx = matmul(grad, weight) if needs[0] else None
        gw = matmul(transpose(g2, 0, 1), reshape(x, (-1, weight.shape[1]))) if needs[1] else None
        gb = g2.sum(0) if needs[2] else None
        return gx, gw, gb

    @staticmethod
    def backward_array(ctx, grad):
        x, weight = saved_arrays(ctx)
        needs = ctx.needs_input_grad
        g2 = grad.reshape(-1, weight.shape[0])
        gx = quietly(np.matmul, g2, weight).reshape(x.shape) if needs[0] else None
        gw = quietly(np.matmul, g2.T, x.reshape(-1, weight.shape[1])) if needs[1] else None
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


class LSTMGates(Op):
    """One LSTM step's pointwise part: from pre-activation gates (i, f, g, o order) and c to
    (h, c'), with c' = sigmoid(f) c + sigmoid(i) tanh(g) and h = sigmoid(o) tanh(c')."""

    @staticmethod
    def forward(ctx, gates, c):
        gd, cd = gates._data, c._data
        H = cd.shape[-1]
        lead = cd.shape[:-1]
        act = np.array(gd.reshape(-1, 4 * H), copy=True)
        c2 = cd.reshape(-1, H)
        c_new, tc, h = (np.empty_like(c2) for _ in range(3))
        kernels.lstm_cell_forward(act, c2, c_new, tc, h)
        ctx.H, ctx.act, ctx.tc = H, act, tc
        ctx.save_for_backward(gates, c)
        return h.reshape(lead + (H,)), c_new.reshape(lead + (H,))

    @staticmethod
    def backward(ctx, grad_h, grad_c):
        if not grad_mode.STATE.enabled:
            return as_tensors(LSTMGates.backward_array(ctx, grad_h._data, grad_c._data))
        gates, c = ctx.saved_tensors
        H = ctx.H
        i, f = gates[..., :H].sigmoid(), gates[..., H:2 * H].sigmoid()
        g, o = gates[..., 2 * H:3 * H].tanh(), gates[..., 3 * H:].sigmoid()
        tc = (f * c + i * g).tanh()
        coef_c = o * (1 - tc * tc)
        coef = cat([g * i * (1 - i), c * f * (1 - f), i * (1 - g * g), tc * o * (1 - o)], -1)
        grad_c_total = grad_c + grad_h * coef_c
        grad_gates = cat([grad_c_total, grad_c_total, grad_c_total, grad_h], -1) * coef
        return grad_gates, grad_c_total * f

    @staticmethod
    def backward_array(ctx, grad_h, grad_c):
        gates, c = saved_arrays(ctx)
        H = ctx.H
        dc = np.array(grad_c.reshape(-1, H), copy=True)
        dg = np.empty_like(ctx.act)
        kernels.lstm_cell_backward(np.ascontiguousarray(grad_h.reshape(-1, H)), dc, ctx.act,
                                   np.ascontiguousarray(c.reshape(-1, H)), ctx.tc, dg)
        return dg.reshape(gates.shape), dc.reshape(c.shape)

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


def _bptt_recorded(xp, w_hh, h0, c0, grad_out, grad_h, grad_c) -> tuple:
    """Backpropagation through time in Tensor ops (the source of truth of the LSTM ops): the
    per-step coefficients recomputed from the inputs by differentiable ops, the W_hh gradient as
    one GEMM over all steps. Returns (d xp, d w_hh, d h0, d c0)."""
    T, H = xp.shape[0], w_hh.shape[1]
    steps, h_prev = _lstm_coefficients_recorded(xp, w_hh, h0, c0)
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


class LSTMSequence(Op):
    """A whole single-direction LSTM layer over time: from the input projections (T, B, 4H)
    (x W_ih^T + biases), W_hh (4H, H) and the initial (h0, c0) (B, H), to (output (T, B, H),
    h_T, c_T).

    Forward is the time loop on arrays (``kernels.lstm_forward``); the array backward is BPTT on
    arrays (``kernels.lstm_backward``, the W_hh gradient as one GEMM over all steps); the Tensor
    backward recomputes the per-step coefficients by differentiable ops (double backward)."""

    @staticmethod
    def forward(ctx, xp, w_hh, h0, c0):
        hs, cs, acts, tcs = kernels.lstm_forward(xp._data, w_hh._data, h0._data, c0._data)
        T = xp.shape[0]
        ctx.hs, ctx.cs, ctx.acts, ctx.tcs = hs, cs, acts, tcs
        ctx.save_for_backward(xp, w_hh, h0, c0)
        return hs[1:].copy(), hs[T].copy(), cs[T].copy()

    @staticmethod
    def backward(ctx, grad_out, grad_h, grad_c):
        if not grad_mode.STATE.enabled:
            return as_tensors(LSTMSequence.backward_array(ctx, *_arrays(grad_out, grad_h, grad_c)))
        xp, w_hh, h0, c0 = ctx.saved_tensors
        return _bptt_recorded(xp, w_hh, h0, c0, grad_out, grad_h, grad_c)

    @staticmethod
    def backward_array(ctx, grad_out, grad_h, grad_c):
        w_hh = saved_arrays(ctx)[1]
        return kernels.lstm_backward(grad_out, grad_h, grad_c, ctx.hs, ctx.cs, ctx.acts, ctx.tcs,
                                     w_hh)

    def _free_extra(self) -> None:
        self.hs = self.cs = self.acts = self.tcs = None


def _lstm_coefficients_recorded(xp, w_hh, h0, c0):
    """The backward's per-step coefficients (coef_c, coef, f) as differentiable functions of the
    inputs: dc += dh * coef_c, dgates = [dc, dc, dc, dh] * coef, dc_prev = dc * f."""
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


class LSTMLayer(Op):
    """A whole single-direction LSTM layer from its input x (T, B, I): the input projection of
    all steps as one GEMM (x W_ih^T + b_ih + b_hh), the time loop, and in backward BPTT with the
    W_ih, W_hh and bias gradients each one GEMM (or sum) over all steps. Outputs (output, h_T,
    c_T) as LSTMSequence."""

    @staticmethod
    def forward(ctx, x, w_ih, w_hh, b_ih, b_hh, h0, c0):
        xd = x._data
        xp = kernels.lstm_input_projection(xd, w_ih._data, None if b_ih is None else b_ih._data,
                                           None if b_hh is None else b_hh._data)
        hs, cs, acts, tcs = kernels.lstm_forward(xp, w_hh._data, h0._data, c0._data)
        T = xd.shape[0]
        ctx.hs, ctx.cs, ctx.acts, ctx.tcs = hs, cs, acts, tcs
        ctx.save_for_backward(x, w_ih, w_hh, b_ih, b_hh, h0, c0)
        return hs[1:].copy(), hs[T].copy(), cs[T].copy()

    @staticmethod
    def backward(ctx, grad_out, grad_h, grad_c):
        if not grad_mode.STATE.enabled:
            return as_tensors(LSTMLayer.backward_array(ctx, *_arrays(grad_out, grad_h, grad_c)))
        x, w_ih, w_hh, b_ih, b_hh, h0, c0 = ctx.saved_tensors
        xp = matmul(x, transpose(w_ih, 0, 1))
        for b in (b_ih, b_hh):
            if b is not None:
                xp = xp + b
        dgates, grad_whh, dh, dc = _bptt_recorded(xp, w_hh, h0, c0, grad_out, grad_h, grad_c)
        needs = ctx.needs_input_grad
        flat = reshape(dgates, (-1, dgates.shape[-1]))
        gx = matmul(dgates, w_ih) if needs[0] else None
        gw_ih = matmul(transpose(flat, 0, 1), reshape(x, (-1, x.shape[-1]))) if needs[1] else None
        gb = flat.sum(0) if needs[3] or needs[4] else None
        return (gx, gw_ih, grad_whh, gb if needs[3] else None, gb if needs[4] else None, dh, dc)

    @staticmethod
    def backward_array(ctx, grad_out, grad_h, grad_c):
        x, w_ih, w_hh = saved_arrays(ctx)[:3]
        dgates, grad_whh, dh, dc = kernels.lstm_backward(grad_out, grad_h, grad_c, ctx.hs, ctx.cs,
                                                         ctx.acts, ctx.tcs, w_hh)
        needs = ctx.needs_input_grad
        gx, gw_ih, gb = kernels.lstm_input_projection_backward(dgates, x, w_ih, needs[0],
                                                               needs[1], needs[3] or needs[4])
        return (gx, gw_ih, grad_whh, gb if needs[3] else None,
                None if not needs[4] else (gb if not needs[3] else gb.copy()), dh, dc)

    def _free_extra(self) -> None:
        self.hs = self.cs = self.acts = self.tcs = None


def lstm_layer(x: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None, b_hh: Tensor | None,
               h0: Tensor, c0: Tensor) -> tuple:
    """(output (T, B, H), h_T, c_T) of one LSTM layer in one direction over x (T, B, I), with
    torch's parameter shapes W_ih (4H, I), W_hh (4H, H), biases (4H,) (or None) and gate order
    i, f, g, o, as one node."""
    H = w_hh.shape[-1] if w_hh.ndim == 2 else -1
    ok = x.ndim == 3 and w_ih.ndim == 2 and w_hh.ndim == 2 and w_ih.shape == (4 * H, x.shape[2]) \
        and w_hh.shape == (4 * H, H) and h0.shape == c0.shape == (x.shape[1], H) \
        and x.dtype.kind == "f" and all(
            t.dtype == x.dtype for t in (w_ih, w_hh, h0, c0, b_ih, b_hh) if t is not None) \
        and all(b is None or tuple(b.shape) == (4 * H,) for b in (b_ih, b_hh))
    if not ok:
        raise RuntimeError(
            f"lstm_layer: expected x (T, B, I), W_ih (4H, I), W_hh (4H, H), biases (4H,), h0 and "
            f"c0 (B, H) of one float dtype, got x {tuple(x.shape)} {x.dtype}, W_ih "
            f"{tuple(w_ih.shape)}, W_hh {tuple(w_hh.shape)}, h0 {tuple(h0.shape)}, c0 "
            f"{tuple(c0.shape)}")
    return LSTMLayer.apply(x, w_ih, w_hh, b_ih, b_hh, h0, c0)


__all__ = ["softmax", "log_softmax", "layer_norm"]

METHODS = {"softmax": softmax, "log_softmax": log_softmax}
