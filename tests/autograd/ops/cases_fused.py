"""Op cases for the fused ops (softmax, log_softmax, class-index cross-entropy, layer_norm)."""

from autograd.ops.fused import (
    cross_entropy_indices,
    linear,
    lstm_gates,
    lstm_layer,
    lstm_sequence,
)
from tests.helpers.optable import OpCase


def _torch_cross_entropy(L, a, t):
    return L.nn.functional.cross_entropy(a, t)


def _torch_linear(L, *args):
    return L.nn.functional.linear(*args)


def _lstm_reference(L, gates, c):
    i, f, g, o = gates.chunk(4, -1)
    c = f.sigmoid() * c + i.sigmoid() * g.tanh()
    return o.sigmoid() * c.tanh(), c


def _lstm_sequence_reference(L, xp, w_hh, h, c):
    outputs = []
    for x_t in xp.unbind(0):
        h, c = _lstm_reference(L, x_t + h @ w_hh.t(), c)
        outputs.append(h)
    return L.stack(outputs, 0), h, c


def _lstm_layer_reference(L, x, w_ih, w_hh, b_ih, b_hh, h, c):
    return _lstm_sequence_reference(L, x @ w_ih.t() + b_ih + b_hh, w_hh, h, c)


CASES = [
    OpCase("fused-softmax", lambda L, a: L.softmax(a, 1), [(3, 5)]),
    OpCase("fused-softmax-dim0", lambda L, a: L.softmax(a, 0), [(4, 2, 3)]),
    OpCase("fused-softmax-method", lambda L, a: a.softmax(-1), [(2, 3, 4)]),
    OpCase("fused-softmax-0d", lambda L, a: L.softmax(a, 0), [()]),
    OpCase("fused-log-softmax", lambda L, a: L.log_softmax(a, 1), [(3, 5)]),
    OpCase("fused-log-softmax-last", lambda L, a: a.log_softmax(-1), [(2, 3, 4)]),
    OpCase("fused-log-softmax-1d", lambda L, a: L.log_softmax(a, 0), [(6,)]),
    OpCase("fused-cross-entropy", lambda L, a, t: cross_entropy_indices(a, t), [(4, 5)],
           ints=[[0, 4, 2, 2]], torch_fn=_torch_cross_entropy),
    OpCase("fused-cross-entropy-one-row", lambda L, a, t: cross_entropy_indices(a, t), [(1, 3)],
           ints=[[1]], torch_fn=_torch_cross_entropy),
    OpCase("fused-layer-norm", lambda L, a, w, b: L.layer_norm(a, (4,), w, b),
           [(3, 4), (4,), (4,)]),
    OpCase("fused-layer-norm-2d-shape", lambda L, a, w, b: L.layer_norm(a, (3, 4), w, b),
           [(2, 3, 4), (3, 4), (3, 4)]),
    OpCase("fused-layer-norm-no-affine", lambda L, a: L.layer_norm(a, (5,)), [(2, 3, 5)]),
    OpCase("fused-linear", lambda L, x, w, b: linear(x, w, b), [(3, 4), (5, 4), (5,)],
           torch_fn=_torch_linear),
    OpCase("fused-linear-3d", lambda L, x, w, b: linear(x, w, b), [(2, 3, 4), (5, 4), (5,)],
           torch_fn=_torch_linear),
    OpCase("fused-linear-vector", lambda L, x, w: linear(x, w), [(4,), (2, 4)],
           torch_fn=_torch_linear),
    OpCase("fused-lstm-gates", lambda L, g, c: lstm_gates(g, c), [(3, 8), (3, 2)],
           torch_fn=_lstm_reference),
    OpCase("fused-lstm-gates-unbatched", lambda L, g, c: lstm_gates(g, c), [(12,), (3,)],
           torch_fn=_lstm_reference),
    OpCase("fused-lstm-gates-h-only", lambda L, g, c: lstm_gates(g, c)[0], [(2, 4), (2, 1)],
           torch_fn=lambda L, g, c: _lstm_reference(L, g, c)[0]),
    OpCase("fused-lstm-sequence", lambda L, x, w, h, c: lstm_sequence(x, w, h, c),
           [(3, 2, 8), (8, 2), (2, 2), (2, 2)], torch_fn=_lstm_sequence_reference),
    OpCase("fused-lstm-sequence-one-step", lambda L, x, w, h, c: lstm_sequence(x, w, h, c)[0],
           [(1, 3, 4), (4, 1), (3, 1), (3, 1)],
           torch_fn=lambda L, x, w, h, c: _lstm_sequence_reference(L, x, w, h, c)[0]),
    OpCase("fused-layer-norm-no-lead", lambda L, a, w: L.layer_norm(a, (4,), w), [(4,), (4,)]),
    OpCase("fused-lstm-layer", lambda L, *a: lstm_layer(*a),
           [(3, 2, 5), (8, 5), (8, 2), (8,), (8,), (2, 2), (2, 2)],
           torch_fn=_lstm_layer_reference),
    OpCase("fused-lstm-layer-no-bias-h-only",
           lambda L, x, wi, wh, h, c: lstm_layer(x, wi, wh, None, None, h, c)[1],
           [(2, 3, 2), (4, 2), (4, 1), (3, 1), (3, 1)],
           torch_fn=lambda L, x, wi, wh, h, c: _lstm_sequence_reference(
               L, x @ wi.t(), wh, h, c)[1]),
]
