"""The floor: the five workloads as hand-written numpy forward and backward passes (no autograd),
float32 throughout, parameters updated in place.

Same interface as ``models.build``: ``build(workload) -> (step, state)``.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .common import LR, chain_kinds, make_workload


def build(workload: str):
    """``(step, state)`` of the hand-written numpy version of ``workload``."""
    params, data = make_workload(workload)
    P = {k: v.copy() for k, v in params.items()}
    make = {"mlp": _mlp, "lenet": _lenet, "lstm": _lstm, "attn": _attn, "chain": _chain}[workload]
    step = make(P, data)
    if workload == "chain":
        return step, lambda: {"x0.grad": step.grad.copy()}
    return step, lambda: {k: v.copy() for k, v in P.items()}


def _sgd(P: dict, grads: dict) -> None:
    for k, g in grads.items():
        P[k] -= LR * g


# ---------------------------------------------------------------- shared pieces
def _cross_entropy(z: np.ndarray, y: np.ndarray):
    """Mean softmax cross-entropy (log-sum-exp form) and its gradient w.r.t. the logits."""
    n = z.shape[0]
    m = z.max(axis=1, keepdims=True)
    e = np.exp(z - m)
    s = e.sum(axis=1, keepdims=True)
    rows = np.arange(n)
    loss = (np.log(s[:, 0]) + m[:, 0] - z[rows, y]).mean()
    dz = e / s
    dz[rows, y] -= 1.0
    dz *= 1.0 / n
    return loss, dz


def _dense_backward(grads: dict, name: str, dout: np.ndarray, x: np.ndarray, W: np.ndarray,
                    need_dx: bool = True):
    """Gradients of y = x W^T + b over 2-D x; returns dx."""
    grads[f"{name}.weight"] = dout.T @ x
    grads[f"{name}.bias"] = dout.sum(axis=0)
    return dout @ W if need_dx else None


def _mlp_head(P: dict, grads: dict, x: np.ndarray, y: np.ndarray):
    """fc1 -> relu -> fc2 -> relu -> fc3 -> cross-entropy, forward and backward; returns
    (loss, dx)."""
    h1 = np.maximum(x @ P["fc1.weight"].T + P["fc1.bias"], 0.0)
    h2 = np.maximum(h1 @ P["fc2.weight"].T + P["fc2.bias"], 0.0)
    z = h2 @ P["fc3.weight"].T + P["fc3.bias"]
    loss, dz = _cross_entropy(z, y)
    dh2 = _dense_backward(grads, "fc3", dz, h2, P["fc3.weight"])
    dh2 *= h2 > 0
    dh1 = _dense_backward(grads, "fc2", dh2, h1, P["fc2.weight"])
    dh1 *= h1 > 0
    dx = _dense_backward(grads, "fc1", dh1, x, P["fc1.weight"])
    return loss, dx


# ---------------------------------------------------------------- W1 mlp
def _mlp(P: dict, data: dict):
    x, y = data["x"], data["y"]

    def step():
        grads: dict = {}
        loss, _ = _mlp_head(P, grads, x, y)
        _sgd(P, grads)
        return loss

    return step


# ---------------------------------------------------------------- W2 lenet
def _conv_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray):
    """Valid cross-correlation by im2col: windows (N, C, OH, OW, k, k) and one GEMM."""
    k = W.shape[-1]
    win = sliding_window_view(x, (k, k), axis=(2, 3))
    out = np.tensordot(win, W, axes=([1, 4, 5], [1, 2, 3]))        # (N, OH, OW, O)
    out += b
    return out.transpose(0, 3, 1, 2), win


def _conv_backward(dout: np.ndarray, win: np.ndarray, W: np.ndarray, x_shape, need_dx: bool):
    dW = np.tensordot(dout, win, axes=([0, 2, 3], [0, 2, 3]))      # (O, C, k, k)
    db = dout.sum(axis=(0, 2, 3))
    if not need_dx:
        return dW, db, None
    k = W.shape[-1]
    oh, ow = dout.shape[2], dout.shape[3]
    dcols = np.tensordot(dout, W, axes=([1], [0]))                  # (N, OH, OW, C, k, k)
    dx = np.zeros(x_shape, dtype=dout.dtype)
    for i in range(k):
        for j in range(k):
            dx[:, :, i:i + oh, j:j + ow] += dcols[:, :, :, :, i, j].transpose(0, 3, 1, 2)
    return dW, db, dx


def _pool_forward(x: np.ndarray):
    """2x2/2 max-pool as the maximum of the four strided sub-grids."""
    a, b = x[:, :, 0::2, 0::2], x[:, :, 0::2, 1::2]
    c, d = x[:, :, 1::2, 0::2], x[:, :, 1::2, 1::2]
    return np.maximum(np.maximum(a, b), np.maximum(c, d))


def _pool_backward(dout: np.ndarray, x: np.ndarray, out: np.ndarray):
    """The gradient goes to the first maximum of each window (PyTorch's choice on ties)."""
    dx = np.zeros_like(x)
    taken = np.zeros(out.shape, dtype=bool)
    for i, j in ((0, 0), (0, 1), (1, 0), (1, 1)):
        hit = x[:, :, i::2, j::2] == out
        hit &= ~taken
        taken |= hit
        dx[:, :, i::2, j::2] = dout * hit
    return dx


def _lenet(P: dict, data: dict):
    x, y = data["x"], data["y"]

    def step():
        grads: dict = {}
        c1, win1 = _conv_forward(x, P["conv1.weight"], P["conv1.bias"])
        r1 = np.maximum(c1, 0.0)
        p1 = _pool_forward(r1)
        c2, win2 = _conv_forward(p1, P["conv2.weight"], P["conv2.bias"])
        r2 = np.maximum(c2, 0.0)
        p2 = _pool_forward(r2)
        loss, dflat = _mlp_head(P, grads, p2.reshape(p2.shape[0], -1), y)
        dr2 = _pool_backward(dflat.reshape(p2.shape), r2, p2)
        dr2 *= r2 > 0
        grads["conv2.weight"], grads["conv2.bias"], dp1 = _conv_backward(
            dr2, win2, P["conv2.weight"], p1.shape, True)
        dr1 = _pool_backward(dp1, r1, p1)
        dr1 *= r1 > 0
        grads["conv1.weight"], grads["conv1.bias"], _ = _conv_backward(
            dr1, win1, P["conv1.weight"], x.shape, False)
        _sgd(P, grads)
        return loss

    return step


# ---------------------------------------------------------------- W3 lstm
def _sigmoid(x: np.ndarray) -> np.ndarray:
    # the tanh form never overflows
    out = np.tanh(x * 0.5)
    out += 1.0
    out *= 0.5
    return out


def _lstm(P: dict, data: dict):
    x, target = data["x"], data["target"]
    T, B, I = x.shape
    H = P["lstm.weight_hh_l0"].shape[1]
    x2 = x.reshape(T * B, I)

    def step():
        Wih, Whh = P["lstm.weight_ih_l0"], P["lstm.weight_hh_l0"]
        gates = (x2 @ Wih.T + (P["lstm.bias_ih_l0"] + P["lstm.bias_hh_l0"])).reshape(T, B, 4 * H)
        acts = np.empty_like(gates)            # i, f, g, o after their nonlinearities
        cs = np.empty((T + 1, B, H), np.float32)
        hs = np.empty((T + 1, B, H), np.float32)
        tcs = np.empty((T, B, H), np.float32)
        cs[0] = 0.0
        hs[0] = 0.0
        WhhT = Whh.T
        for t in range(T):
            g = gates[t]
            g += hs[t] @ WhhT
            a = acts[t]
            a[:, :2 * H] = _sigmoid(g[:, :2 * H])
            a[:, 2 * H:3 * H] = np.tanh(g[:, 2 * H:3 * H])
            a[:, 3 * H:] = _sigmoid(g[:, 3 * H:])
            i, f, gg, o = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]
            c = cs[t + 1]
            np.multiply(f, cs[t], out=c)
            c += i * gg
            np.tanh(c, out=tcs[t])
            np.multiply(o, tcs[t], out=hs[t + 1])
        h = hs[T]
        out = h @ P["readout.weight"].T + P["readout.bias"]
        diff = out - target
        loss = (diff * diff).mean()
        dout = diff * (2.0 / diff.size)
        grads: dict = {}
        dh = _dense_backward(grads, "readout", dout, h, P["readout.weight"])
        dc = np.zeros((B, H), np.float32)
        dgates = np.empty_like(gates)
        for t in range(T - 1, -1, -1):
            a = acts[t]
            i, f, gg, o = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]
            tc = tcs[t]
            dg = dgates[t]
            dc += dh * o * (1.0 - tc * tc)
            dg[:, :H] = dc * gg * i * (1.0 - i)
            dg[:, H:2 * H] = dc * cs[t] * f * (1.0 - f)
            dg[:, 2 * H:3 * H] = dc * i * (1.0 - gg * gg)
            dg[:, 3 * H:] = dh * tc * o * (1.0 - o)
            dc *= f
            dh = dg @ Whh
        d2 = dgates.reshape(T * B, 4 * H)
        grads["lstm.weight_ih_l0"] = d2.T @ x2
        grads["lstm.weight_hh_l0"] = d2.T @ hs[:T].reshape(T * B, H)
        grads["lstm.bias_ih_l0"] = d2.sum(axis=0)
        grads["lstm.bias_hh_l0"] = grads["lstm.bias_ih_l0"]
        _sgd(P, grads)
        return loss

    return step


# ---------------------------------------------------------------- W4 attn
def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float = 1e-5):
    mu = x.mean(axis=-1, keepdims=True)
    xc = x - mu
    var = (xc * xc).mean(axis=-1, keepdims=True)
    rstd = 1.0 / np.sqrt(var + eps)
    xhat = xc * rstd
    return xhat * w + b, xhat, rstd


def _layer_norm_backward(dy: np.ndarray, xhat: np.ndarray, rstd: np.ndarray, w: np.ndarray,
                         grads: dict, name: str):
    grads[f"{name}.weight"] = (dy * xhat).reshape(-1, dy.shape[-1]).sum(axis=0)
    grads[f"{name}.bias"] = dy.reshape(-1, dy.shape[-1]).sum(axis=0)
    dxhat = dy * w
    m1 = dxhat.mean(axis=-1, keepdims=True)
    m2 = (dxhat * xhat).mean(axis=-1, keepdims=True)
    return rstd * (dxhat - m1 - xhat * m2)


def _attn(P: dict, data: dict):
    x, target = data["x"], data["target"]
    B, S, D = x.shape
    heads = 4
    dh = D // heads
    scale = 1.0 / math.sqrt(dh)
    x2 = x.reshape(B * S, D)

    def split(t):                     # (B*S, D) -> (B, heads, S, dh)
        return t.reshape(B, S, heads, dh).transpose(0, 2, 1, 3)

    def merge(t):                     # (B, heads, S, dh) -> (B*S, D)
        return t.transpose(0, 2, 1, 3).reshape(B * S, D)

    def step():
        grads: dict = {}
        qkv = x2 @ P["self_attn.in_proj_weight"].T + P["self_attn.in_proj_bias"]
        q, k, v = split(qkv[:, :D]), split(qkv[:, D:2 * D]), split(qkv[:, 2 * D:])
        s = (q @ k.transpose(0, 1, 3, 2)) * scale
        s -= s.max(axis=-1, keepdims=True)
        A = np.exp(s)
        A /= A.sum(axis=-1, keepdims=True)
        ctx = merge(A @ v)
        h1 = x2 + ctx @ P["self_attn.out_proj.weight"].T + P["self_attn.out_proj.bias"]
        y1, xhat1, rstd1 = _layer_norm(h1, P["norm1.weight"], P["norm1.bias"])
        f1 = np.maximum(y1 @ P["linear1.weight"].T + P["linear1.bias"], 0.0)
        h2 = y1 + f1 @ P["linear2.weight"].T + P["linear2.bias"]
        out, xhat2, rstd2 = _layer_norm(h2, P["norm2.weight"], P["norm2.bias"])
        diff = out - target.reshape(B * S, D)
        loss = (diff * diff).mean()
        dout = diff * (2.0 / diff.size)
        dh2 = _layer_norm_backward(dout, xhat2, rstd2, P["norm2.weight"], grads, "norm2")
        df1 = _dense_backward(grads, "linear2", dh2, f1, P["linear2.weight"])
        df1 *= f1 > 0
        dy1 = dh2 + _dense_backward(grads, "linear1", df1, y1, P["linear1.weight"])
        dh1 = _layer_norm_backward(dy1, xhat1, rstd1, P["norm1.weight"], grads, "norm1")
        dctx = split(_dense_backward(grads, "self_attn.out_proj", dh1, ctx,
                                     P["self_attn.out_proj.weight"]))
        dA = dctx @ v.transpose(0, 1, 3, 2)
        dv = A.transpose(0, 1, 3, 2) @ dctx
        ds = A * (dA - (dA * A).sum(axis=-1, keepdims=True))
        ds *= scale
        dq = ds @ k
        dk = ds.transpose(0, 1, 3, 2) @ q
        dqkv = np.concatenate([merge(dq), merge(dk), merge(dv)], axis=1)
        grads["self_attn.in_proj_weight"] = dqkv.T @ x2
        grads["self_attn.in_proj_bias"] = dqkv.sum(axis=0)
        _sgd(P, grads)
        return loss

    return step


# ---------------------------------------------------------------- W5 chain
def _chain(P: dict, data: dict):
    x0 = data["x0"]
    kinds = chain_kinds()

    def step():
        x = x0
        saved = []
        for k in kinds:
            if k == 0:
                x = x * 1.0001
            elif k == 1:
                x = x + 0.0001
            else:
                x = np.tanh(x)
                saved.append(x)
        loss = x.sum()
        g = np.ones_like(x)
        for k in reversed(kinds):
            if k == 0:
                g = g * 1.0001
            elif k == 2:
                y = saved.pop()
                g = g * (1.0 - y * y)
        step.grad = g
        return loss

    step.grad = None
    return step
