"""The kernel layer: each numpy reference against a plain definition (explicit loops, torch where
importable), each compiled twin against its numpy reference, and the twin's selection (automatic,
lazy, switchable off by TOPOGRAD_NO_NUMBA)."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

from autograd import kernels
from autograd.kernels import conv, lstm, norms, pooling

ROOT = pathlib.Path(__file__).resolve().parents[3]
rng = np.random.default_rng(0)

GEOMETRIES = [  # (size, kernel, dilation, padding, stride)
    ((7, 6), (3, 2), (1, 1), (0, 0), (1, 1)),
    ((8, 9), (3, 3), (2, 1), (1, 2), (2, 3)),
    ((5, 5), (5, 5), (1, 1), (2, 2), (1, 1)),
]


def _im2col_loops(x, kernel, dilation, padding, stride):
    n, c = x.shape[:2]
    xp = np.pad(x, ((0, 0), (0, 0)) + tuple((p, p) for p in padding))
    blocks = conv.blocks_of(x.shape[2:], kernel, dilation, padding, stride)
    out = np.zeros((n, c, kernel[0], kernel[1], blocks[0], blocks[1]), x.dtype)
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            for a in range(blocks[0]):
                for b in range(blocks[1]):
                    out[:, :, i, j, a, b] = xp[:, :, a * stride[0] + i * dilation[0],
                                               b * stride[1] + j * dilation[1]]
    return out.reshape(n, c * kernel[0] * kernel[1], blocks[0] * blocks[1])


@pytest.mark.parametrize("geom", GEOMETRIES)
def test_im2col_matches_loops_and_col2im_is_its_adjoint(geom):
    size, kernel, dilation, padding, stride = geom
    x = rng.standard_normal((2, 3) + size)
    cols = conv.im2col_numpy(x, kernel, dilation, padding, stride)
    np.testing.assert_array_equal(cols, _im2col_loops(x, kernel, dilation, padding, stride))
    c = rng.standard_normal(cols.shape)
    img = conv.col2im_numpy(c, size, kernel, dilation, padding, stride)
    assert img.shape == x.shape
    np.testing.assert_allclose(np.vdot(cols, c), np.vdot(x, img), rtol=1e-12)


def test_col2im_3d_is_the_adjoint_of_im2col_3d():
    x = rng.standard_normal((1, 2, 4, 5, 3))
    args = ((2, 3, 2), (1, 1, 1), (1, 0, 1), (2, 1, 1))
    cols = conv.im2col_numpy(x, *args)
    c = rng.standard_normal(cols.shape)
    img = kernels.col2im(c, x.shape[2:], *args)
    np.testing.assert_allclose(np.vdot(cols, c), np.vdot(x, img), rtol=1e-12)


def _max_pool_loops(x, k, s):
    n, c, h, w = x.shape
    oh, ow = (h - k) // s + 1, (w - k) // s + 1
    vals = np.empty((n, c, oh, ow), x.dtype)
    win = np.empty((n, c, oh, ow), np.int16)
    for a in range(oh):
        for b in range(ow):
            block = x[:, :, a * s:a * s + k, b * s:b * s + k].reshape(n, c, -1)
            win[:, :, a, b] = block.argmax(-1)
            vals[:, :, a, b] = block.max(-1)
    return vals, win


@pytest.mark.parametrize("k,s", [(2, 2), (3, 2), (3, 1)])
def test_max_pool_reference_matches_loops_and_backward_scatters(k, s):
    x = np.round(rng.standard_normal((2, 3, 9, 8)), 1)   # ties: first offset wins
    vals, win = _max_pool_loops(x, k, s)
    out = vals.shape[-2:]
    first = np.zeros(out, np.int16)
    got_v, got_w = pooling.max_pool2d_forward_numpy(x, (k, k), (s, s), (1, 1), out, first)
    np.testing.assert_array_equal(got_v, vals)
    np.testing.assert_array_equal(got_w, win)
    g = rng.standard_normal(vals.shape)
    gx = pooling.max_pool2d_backward_numpy(g, win, (k, k), (s, s), (1, 1), x.shape[-2:])
    want = np.zeros_like(x)
    for a in range(out[0]):
        for b in range(out[1]):
            i, j = np.divmod(win[:, :, a, b], k)
            for n in range(2):
                for c in range(3):
                    want[n, c, a * s + i[n, c], b * s + j[n, c]] += g[n, c, a, b]
    np.testing.assert_allclose(gx, want, rtol=1e-12, atol=1e-12)


def _lstm_loops(xp, w, h, c):
    H = w.shape[1]
    sig = lambda v: 1 / (1 + np.exp(-v))
    hs = []
    for x_t in xp:
        z = x_t + h @ w.T
        i, f = sig(z[:, :H]), sig(z[:, H:2 * H])
        g, o = np.tanh(z[:, 2 * H:3 * H]), sig(z[:, 3 * H:])
        c = f * c + i * g
        h = o * np.tanh(c)
        hs.append(h)
    return np.stack(hs), c


def _lstm_args(T=4, B=3, H=5, dtype=np.float64):
    return (rng.standard_normal((T, B, 4 * H)).astype(dtype),
            (0.5 * rng.standard_normal((4 * H, H))).astype(dtype),
            rng.standard_normal((B, H)).astype(dtype), rng.standard_normal((B, H)).astype(dtype))


def test_lstm_reference_forward_and_bptt():
    xp, w, h0, c0 = _lstm_args()
    hs, cs, acts, tcs = lstm.lstm_forward_numpy(xp, w, h0, c0)
    want_h, want_c = _lstm_loops(xp, w, h0, c0)
    np.testing.assert_allclose(hs[1:], want_h, rtol=1e-12)
    np.testing.assert_allclose(cs[-1], want_c, rtol=1e-12)
    # BPTT against central differences of L = sum(G * outputs) + sum(gh * h_T) + sum(gc * c_T)
    G, gh, gc = (rng.standard_normal(a.shape) for a in (want_h, h0, c0))
    dxp, dw, dh0, dc0 = lstm.lstm_backward_numpy(G, gh, gc, hs, cs, acts, tcs, w)

    def loss(xp_, w_, h_, c_):
        out, c_t = _lstm_loops(xp_, w_, h_, c_)
        return np.sum(G * out) + np.sum(gh * out[-1]) + np.sum(gc * c_t)

    for idx, grad in enumerate((dxp, dw, dh0, dc0)):
        args = [xp, w, h0, c0]
        flat = args[idx].reshape(-1)
        for pos in rng.choice(flat.size, 5, replace=False):
            old = flat[pos]
            flat[pos] = old + 1e-6
            up = loss(*args)
            flat[pos] = old - 1e-6
            down = loss(*args)
            flat[pos] = old
            np.testing.assert_allclose(grad.reshape(-1)[pos], (up - down) / 2e-6, rtol=1e-5,
                                       atol=1e-8)


def test_lstm_input_projection_is_one_gemm_and_its_backward():
    x, w, b1, b2 = (rng.standard_normal(s) for s in ((3, 2, 4), (8, 4), (8,), (8,)))
    xp = lstm.lstm_input_projection(x, w, b1, b2)
    np.testing.assert_allclose(xp, np.einsum("tbi,gi->tbg", x, w) + b1 + b2, rtol=1e-12)
    d = rng.standard_normal(xp.shape)
    gx, gw, gb = lstm.lstm_input_projection_backward(d, x, w)
    np.testing.assert_allclose(gx, np.einsum("tbg,gi->tbi", d, w), rtol=1e-12)
    np.testing.assert_allclose(gw, np.einsum("tbg,tbi->gi", d, x), rtol=1e-12)
    np.testing.assert_allclose(gb, d.sum((0, 1)), rtol=1e-12)


def test_norm_kernels_match_definitions():
    x = rng.standard_normal((3, 4, 5))
    e = np.exp(x - x.max(1, keepdims=True))
    sm = e / e.sum(1, keepdims=True)
    np.testing.assert_allclose(norms.softmax_forward(x, 1), sm, rtol=1e-12)
    np.testing.assert_allclose(norms.log_softmax_forward(x, 1), np.log(sm), rtol=1e-12)
    g = rng.standard_normal(x.shape)
    # softmax backward: y (g - sum g y); checked through the explicit Jacobian along axis 1
    want = np.einsum("bjk,bijk->bik", g,
                     np.einsum("bik,ij->bijk", sm, np.eye(4)) - np.einsum("bik,bjk->bijk", sm, sm))
    np.testing.assert_allclose(norms.softmax_backward(g, sm, 1), want, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(norms.log_softmax_backward(g, np.log(sm), 1),
                               g - sm * g.sum(1, keepdims=True), rtol=1e-12)
    w, b = rng.standard_normal(5), rng.standard_normal(5)
    y, xhat, rstd = norms.layer_norm_forward(x, w, b, 1, 1e-5)
    mu, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
    np.testing.assert_allclose(y, (x - mu) / np.sqrt(var + 1e-5) * w + b, rtol=1e-12)
    gx, gw, gb = norms.layer_norm_backward(g, xhat, rstd, w, 1)
    np.testing.assert_allclose(gb, g.sum((0, 1)), rtol=1e-12)
    np.testing.assert_allclose(gw, (g * xhat).sum((0, 1)), rtol=1e-12)
    eps = 1e-6
    pos = (1, 2, 3)
    xu, xd = x.copy(), x.copy()
    xu[pos] += eps
    xd[pos] -= eps
    num = (np.sum(g * norms.layer_norm_forward(xu, w, b, 1, 1e-5)[0])
           - np.sum(g * norms.layer_norm_forward(xd, w, b, 1, 1e-5)[0])) / (2 * eps)
    np.testing.assert_allclose(gx[pos], num, rtol=1e-6)
    logits, target = rng.standard_normal((4, 3)), np.array([0, 2, 1, 2])
    loss, probs = norms.cross_entropy_forward(logits, target)
    lsm = np.log(np.exp(logits) / np.exp(logits).sum(1, keepdims=True))
    np.testing.assert_allclose(loss, -lsm[np.arange(4), target].mean(), rtol=1e-12)
    d = norms.cross_entropy_backward(np.asarray(2.0), probs, target)
    onehot = np.eye(3)[target]
    np.testing.assert_allclose(d, (np.exp(lsm) - onehot) * 2.0 / 4, rtol=1e-12)


# ---------------------------------------------------------------- compiled twins
@pytest.fixture
def fast():
    pytest.importorskip("numba")
    from autograd.kernels import _numba

    return _numba


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("geom", GEOMETRIES)
def test_compiled_col2im_matches_reference(fast, geom, dtype):
    size, kernel, dilation, padding, stride = geom
    blocks = conv.blocks_of(size, kernel, dilation, padding, stride)
    cols = rng.standard_normal((2, 3 * kernel[0] * kernel[1], blocks[0] * blocks[1])).astype(dtype)
    want = conv.col2im_numpy(cols, size, kernel, dilation, padding, stride)
    got = fast.col2im2d(cols, size, kernel, dilation, padding, stride)
    assert got.dtype == dtype and got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-6 if dtype == np.float32 else 1e-13, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_compiled_lstm_cell_backward_matches_reference(fast, dtype):
    xp, w, h0, c0 = _lstm_args(T=3, B=4, H=6, dtype=dtype)
    hs, cs, acts, tcs = lstm.lstm_forward_numpy(xp, w, h0, c0)
    G = rng.standard_normal(hs[1:].shape).astype(dtype)
    kernels.use_compiled(False)
    try:
        want = lstm.lstm_backward(G, None, None, hs, cs, acts, tcs, w)
        kernels.use_compiled(True)
        got = lstm.lstm_backward(G, None, None, hs, cs, acts, tcs, w)
    finally:
        kernels.use_compiled(None)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    for a, b in zip(got, want):
        assert a.dtype == dtype
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


def _probe(env_extra: dict) -> str:
    code = ("import sys, autograd, nn; x = autograd.randn(1, 1, 6, 6); "
            "print('numba' in sys.modules, end=' '); "
            "nn.functional.max_pool2d(x, 2); "
            "from autograd.kernels import compiled; print(compiled() is not None)")
    env = {k: v for k, v in os.environ.items() if k != "TOPOGRAD_NO_NUMBA"}
    env.update(PYTHONPATH=str(ROOT), **env_extra)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_numba_is_imported_lazily_and_selected_automatically(fast):
    assert _probe({}) == "False True"


def test_environment_variable_switches_the_compiled_twins_off(fast):
    assert _probe({"TOPOGRAD_NO_NUMBA": "1"}) == "False False"


def test_without_numba_the_numpy_references_run():
    kernels.use_compiled(False)
    try:
        assert kernels.compiled() is None
        x = rng.standard_normal((1, 2, 5, 5))
        cols = kernels.im2col(x, (2, 2), (1, 1), (0, 0), (1, 1))
        np.testing.assert_array_equal(
            kernels.col2im(cols, (5, 5), (2, 2), (1, 1), (0, 0), (1, 1)),
            conv.col2im_numpy(cols, (5, 5), (2, 2), (1, 1), (0, 0), (1, 1)))
    finally:
        kernels.use_compiled(None)
