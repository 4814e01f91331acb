"""A single-direction LSTM layer's time loop and its backpropagation through time, on arrays.

Gate order i, f, g, o (torch's). Shapes: input projections ``xp`` (T, B, 4H) (x W_ih^T + biases,
made for all steps by one GEMM before the loop), ``w_hh`` (4H, H), ``h0``/``c0`` (B, H).

Forward keeps what backward needs: ``hs``/``cs`` (T+1, B, H) (index 0 is the initial state), the
activated gates ``acts`` (T, B, 4H) and ``tcs`` = tanh(c_t) (T, B, H). Backward returns the
gradients of xp (T, B, 4H), w_hh (one GEMM over all steps), h0 and c0.
"""

from __future__ import annotations

import numpy as np

from ._select import compiled


def sigmoid_into(out: np.ndarray, x: np.ndarray) -> None:
    """out = sigmoid(x) as 0.5 (1 + tanh(x / 2)): never overflows, unlike 1 / (1 + exp(-x))."""
    np.multiply(x, 0.5, out=out)
    np.tanh(out, out=out)
    out += 1
    out *= 0.5


def _cell_forward_numpy(a, c_prev, c_new, tc, h):
    """One step's pointwise part, in place: ``a`` pre-activations -> activations; writes c',
    tanh(c') and h."""
    H = c_prev.shape[-1]
    sigmoid_into(a[:, :2 * H], a[:, :2 * H])
    np.tanh(a[:, 2 * H:3 * H], out=a[:, 2 * H:3 * H])
    sigmoid_into(a[:, 3 * H:], a[:, 3 * H:])
    np.multiply(a[:, H:2 * H], c_prev, out=c_new)
    c_new += a[:, :H] * a[:, 2 * H:3 * H]
    np.tanh(c_new, out=tc)
    np.multiply(a[:, 3 * H:], tc, out=h)


def _cell_backward_numpy(dh, dc, act, c_prev, tc, dg):
    """One step of BPTT through the pointwise part: from dh (given) and dc (in: the gradient
    arriving at c_t; out: the gradient at c_{t-1}), writes the pre-activation gradient ``dg``."""
    H = c_prev.shape[-1]
    i, f, g, o = act[:, :H], act[:, H:2 * H], act[:, 2 * H:3 * H], act[:, 3 * H:]
    dc += dh * o * (1 - tc * tc)
    np.multiply(dc * g, i * (1 - i), out=dg[:, :H])
    np.multiply(dc * c_prev, f * (1 - f), out=dg[:, H:2 * H])
    np.multiply(dc * i, 1 - g * g, out=dg[:, 2 * H:3 * H])
    np.multiply(dh * tc, o * (1 - o), out=dg[:, 3 * H:])
    dc *= f


def _forward(xp, w_hh, h0, c0, cell):
    T, B, H = xp.shape[0], xp.shape[1], w_hh.shape[1]
    dtype = xp.dtype
    acts = np.empty_like(xp)
    cs = np.empty((T + 1, B, H), dtype)
    hs = np.empty((T + 1, B, H), dtype)
    tcs = np.empty((T, B, H), dtype)
    cs[0], hs[0] = c0, h0
    wt = w_hh.T
    for t in range(T):
        a = acts[t]
        np.matmul(hs[t], wt, out=a)
        a += xp[t]
        cell(a, cs[t], cs[t + 1], tcs[t], hs[t + 1])
    return hs, cs, acts, tcs


def _backward(grad_out, grad_h, grad_c, hs, cs, acts, tcs, w_hh, cell):
    T, B, H = tcs.shape
    dtype = acts.dtype
    dgates = np.empty_like(acts)
    dh = np.zeros((B, H), dtype) if grad_h is None else grad_h.astype(dtype, copy=True)
    dc = np.zeros((B, H), dtype) if grad_c is None else grad_c.astype(dtype, copy=True)
    for t in range(T - 1, -1, -1):
        if grad_out is not None:
            dh += grad_out[t]
        cell(dh, dc, acts[t], cs[t], tcs[t], dgates[t])
        dh = dgates[t] @ w_hh
    grad_w = dgates.reshape(-1, 4 * H).T @ hs[:-1].reshape(-1, H)
    return dgates, grad_w, dh, dc


def lstm_forward_numpy(xp, w_hh, h0, c0):
    """(hs, cs, acts, tcs) of the layer (see the module docstring)."""
    return _forward(xp, w_hh, h0, c0, _cell_forward_numpy)


def lstm_backward_numpy(grad_out, grad_h, grad_c, hs, cs, acts, tcs, w_hh):
    """(d xp, d w_hh, d h0, d c0) from the gradients of the outputs (T, B, H), h_T and c_T (each
    may be None)."""
    return _backward(grad_out, grad_h, grad_c, hs, cs, acts, tcs, w_hh, _cell_backward_numpy)


def lstm_forward(xp, w_hh, h0, c0):
    """The forward time loop (numpy: the pointwise step is transcendental-bound and numpy's
    vectorised tanh beats a compiled scalar loop 6x, so there is no twin)."""
    return _forward(xp, w_hh, h0, c0, _cell_forward_numpy)


def lstm_backward(grad_out, grad_h, grad_c, hs, cs, acts, tcs, w_hh):
    """lstm_backward_numpy, with the compiled pointwise step when available."""
    fast = compiled()
    cell = _cell_backward_numpy if fast is None else fast.lstm_cell_backward
    return _backward(grad_out, grad_h, grad_c, hs, cs, acts, tcs, w_hh, cell)


def lstm_cell_forward(a, c_prev, c_new, tc, h):
    """One step's pointwise part on (B, 4H) / (B, H) arrays, in place (see _cell_forward_numpy)."""
    _cell_forward_numpy(a, c_prev, c_new, tc, h)


def lstm_cell_backward_numpy(dh, dc, act, c_prev, tc, dg):
    """One BPTT step through the pointwise part (dc in/out, dg written)."""
    _cell_backward_numpy(dh, dc, act, c_prev, tc, dg)


def lstm_cell_backward(dh, dc, act, c_prev, tc, dg):
    """lstm_cell_backward_numpy, or its compiled twin (4x faster measured at B=32, H=128)."""
    fast = compiled()
    (_cell_backward_numpy if fast is None else fast.lstm_cell_backward)(dh, dc, act, c_prev, tc,
                                                                        dg)


def lstm_input_projection(x, w_ih, b_ih, b_hh):
    """x W_ih^T + b_ih + b_hh for all steps as one GEMM: (T, B, I) -> (T, B, 4H)."""
    T, B, I = x.shape
    xp = x.reshape(T * B, I) @ w_ih.T
    if b_ih is not None and b_hh is not None:
        xp += b_ih + b_hh
    elif b_ih is not None or b_hh is not None:
        xp += b_ih if b_ih is not None else b_hh
    return xp.reshape(T, B, w_ih.shape[0])


def lstm_input_projection_backward(dgates, x, w_ih, need_x=True, need_w=True, need_b=True):
    """(d x, d W_ih, d bias) of the projection from d xp (T, B, 4H): each one GEMM or sum."""
    flat = dgates.reshape(-1, dgates.shape[-1])
    gx = (flat @ w_ih).reshape(x.shape) if need_x else None
    gw = flat.T @ x.reshape(-1, x.shape[-1]) if need_w else None
    gb = flat.sum(0) if need_b else None
    return gx, gw, gb
