"""RNN, GRU, LSTM and their cells: torch's names, shapes and results with the same weights."""

import numpy as np
import pytest

import autograd
import nn
from tests.helpers.torch_ref import need_torch
from tests.nn.torch_weights import close, close_grads, load_from_torch, pair

RNG = np.random.default_rng(0)


def _make(torch, kind, *args, **kwargs):
    autograd.manual_seed(0)
    ours = getattr(nn, kind)(*args, **kwargs)
    theirs = getattr(torch.nn, kind)(*args, **kwargs)
    load_from_torch(ours, theirs)
    return ours, theirs


def _loss(outputs, weights):
    return sum((o * w).sum() for o, w in zip(outputs, weights))


def _flat(out):
    output, state = out
    return [output, *state] if isinstance(state, tuple) else [output, state]


def _check_run(torch, ours, theirs, x_shape, states=()):
    x, tx = pair(torch, RNG.standard_normal(x_shape).astype(np.float32))
    hs = [pair(torch, RNG.standard_normal(s).astype(np.float32)) for s in states]
    if not hs:
        args, targs = (x,), (tx,)
    elif len(hs) == 1:
        args, targs = (x, hs[0][0]), (tx, hs[0][1])
    else:
        args, targs = (x, tuple(h for h, _ in hs)), (tx, tuple(t for _, t in hs))
    outs, touts = _flat(ours(*args)), _flat(theirs(*targs))
    weights = [RNG.standard_normal(t.shape).astype(np.float32) for t in touts]
    for o, t in zip(outs, touts):
        close(o, t, what="output")
    _loss(outs, [autograd.tensor(w) for w in weights]).backward()
    _loss(touts, [torch.tensor(w) for w in weights]).backward()
    close(x.grad, tx.grad, what="input grad")
    for (h, th) in hs:
        close(h.grad, th.grad, what="state grad")
    close_grads(ours, theirs)


@pytest.mark.parametrize("kind", ["RNN", "GRU", "LSTM"])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_layers_match_torch(kind, batch_first, bidirectional):
    torch = need_torch()
    ours, theirs = _make(torch, kind, 3, 5, num_layers=2, batch_first=batch_first,
                         bidirectional=bidirectional)
    shape = (2, 4, 3) if batch_first else (4, 2, 3)
    d = 2 if bidirectional else 1
    states = [(2 * d, 2, 5)] * (2 if kind == "LSTM" else 1)
    _check_run(torch, ours, theirs, shape, states)


@pytest.mark.parametrize("kind", ["RNN", "GRU", "LSTM"])
def test_default_zero_state_and_no_bias(kind):
    torch = need_torch()
    ours, theirs = _make(torch, kind, 4, 3, bias=False)
    _check_run(torch, ours, theirs, (5, 2, 4))


def test_rnn_relu_matches_torch():
    torch = need_torch()
    ours, theirs = _make(torch, "RNN", 3, 4, 2, "relu")
    _check_run(torch, ours, theirs, (6, 3, 3), [(2, 3, 4)])


@pytest.mark.parametrize("bidirectional", [False, True])
def test_lstm_projection_matches_torch(bidirectional):
    torch = need_torch()
    ours, theirs = _make(torch, "LSTM", 3, 6, num_layers=2, proj_size=2,
                         bidirectional=bidirectional)
    d = 2 if bidirectional else 1
    _check_run(torch, ours, theirs, (4, 2, 3), [(2 * d, 2, 2), (2 * d, 2, 6)])
    assert ours.weight_hr_l0.shape == (2, 6)


@pytest.mark.parametrize("kind", ["GRU", "LSTM"])
def test_unbatched_input_matches_torch(kind):
    torch = need_torch()
    ours, theirs = _make(torch, kind, 3, 4, bidirectional=True)
    _check_run(torch, ours, theirs, (5, 3), [(2, 4)] * (2 if kind == "LSTM" else 1))


def test_state_dict_keys_and_shapes_match_torch():
    torch = need_torch()
    for kind, kwargs in [("LSTM", dict(num_layers=2, bidirectional=True, proj_size=3)),
                         ("GRU", dict(num_layers=3, bias=False)),
                         ("RNN", dict(nonlinearity="relu", bidirectional=True))]:
        ours = getattr(nn, kind)(5, 7, **kwargs)
        theirs = getattr(torch.nn, kind)(5, 7, **kwargs)
        assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == \
               [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]


def test_initialisation_is_uniform_within_one_over_sqrt_hidden():
    lstm = nn.LSTM(10, 16, num_layers=2)
    values = np.concatenate([p.detach().numpy().ravel() for p in lstm.parameters()])
    assert np.abs(values).max() <= 0.25
    assert np.abs(values).max() > 0.2


@pytest.mark.parametrize("kind", ["RNNCell", "GRUCell", "LSTMCell"])
def test_cells_match_torch(kind):
    torch = need_torch()
    autograd.manual_seed(0)
    ours, theirs = getattr(nn, kind)(3, 4), getattr(torch.nn, kind)(3, 4)
    load_from_torch(ours, theirs)
    x, tx = pair(torch, RNG.standard_normal((2, 3)).astype(np.float32))
    h, th = pair(torch, RNG.standard_normal((2, 4)).astype(np.float32))
    if kind == "LSTMCell":
        c, tc = pair(torch, RNG.standard_normal((2, 4)).astype(np.float32))
        out, tout = ours(x, (h, c)), theirs(tx, (th, tc))
    else:
        out, tout = (ours(x, h),), (theirs(tx, th),)
    for o, t in zip(out, tout):
        close(o, t)
    sum((o * (i + 1)).sum() for i, o in enumerate(out)).backward()
    sum((t * (i + 1)).sum() for i, t in enumerate(tout)).backward()
    close(x.grad, tx.grad)
    close(h.grad, th.grad)
    close_grads(ours, theirs)


def test_cells_unbatched_and_default_state_match_torch():
    torch = need_torch()
    autograd.manual_seed(0)
    ours, theirs = nn.RNNCell(3, 4, nonlinearity="relu"), torch.nn.RNNCell(3, 4,
                                                                          nonlinearity="relu")
    load_from_torch(ours, theirs)
    x, tx = pair(torch, RNG.standard_normal(3).astype(np.float32))
    close(ours(x), theirs(tx))
    lo, lt = nn.LSTMCell(3, 2), torch.nn.LSTMCell(3, 2)
    load_from_torch(lo, lt)
    for o, t in zip(lo(x), lt(tx)):
        close(o, t)


def test_dropout_between_layers_follows_training_mode():
    torch = need_torch()
    ours, theirs = _make(torch, "GRU", 3, 4, num_layers=2, dropout=1.0)
    x, tx = pair(torch, RNG.standard_normal((3, 2, 3)).astype(np.float32), False)
    # dropout=1 zeroes the second layer's input in training: deterministic, comparable to torch
    close(ours(x)[0], theirs(tx)[0])
    ours.eval()
    theirs.eval()
    close(ours(x)[0], theirs(tx)[0])


def test_gradcheck_float64():
    for layer in (nn.LSTM(2, 3, bidirectional=True, proj_size=2), nn.GRU(2, 3, num_layers=2)):
        layer = layer.double()
        x = autograd.randn(3, 2, 2, dtype=autograd.float64, requires_grad=True)
        params = tuple(layer.parameters())[:3]

        def f(x, *ps):
            return layer(x)[0]

        assert autograd.gradcheck(f, (x, *params))


def test_input_size_mismatch_names_layer_and_shapes():
    lstm = nn.LSTM(4, 3)
    with pytest.raises(RuntimeError, match=r"LSTM.*Expected 4, got 5"):
        lstm(autograd.randn(2, 3, 5))
    with pytest.raises(RuntimeError, match=r"GRU.*2D \(unbatched\) or 3D.*\(1, 2, 3, 4\)"):
        nn.GRU(4, 3)(autograd.randn(1, 2, 3, 4))


def test_hidden_shape_mismatch_names_expected_and_actual():
    with pytest.raises(RuntimeError, match=r"RNN: Expected hidden size \(2, 3, 5\), got "
                                           r"\(1, 3, 5\)"):
        nn.RNN(4, 5, num_layers=2)(autograd.randn(2, 3, 4), autograd.zeros(1, 3, 5))
    with pytest.raises(RuntimeError, match=r"cell size \(1, 3, 5\)"):
        nn.LSTM(4, 5)(autograd.randn(2, 3, 4), (autograd.zeros(1, 3, 5), autograd.zeros(1, 3, 4)))
    with pytest.raises(RuntimeError, match="unbatched 2-D input, hx should also be 2-D"):
        nn.GRU(4, 5)(autograd.randn(2, 4), autograd.zeros(1, 1, 5))


def test_constructor_errors_like_torch():
    with pytest.raises(ValueError, match="proj_size has to be smaller than hidden_size"):
        nn.LSTM(3, 4, proj_size=4)
    with pytest.raises(ValueError, match="dropout should be a number in range"):
        nn.GRU(3, 4, dropout=1.5)
    with pytest.raises(ValueError, match="Unknown nonlinearity"):
        nn.RNN(3, 4, nonlinearity="gelu")
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
        nn.LSTM(3, 4, dropout=0.5)


def test_dtype_mismatch_raises_like_torch():
    with pytest.raises(RuntimeError, match="LSTM: input must have the type (autograd.)?float32, "
                                           "got type (autograd.)?float64"):
        nn.LSTM(3, 4)(autograd.randn(2, 1, 3, dtype=autograd.float64))
    with pytest.raises(RuntimeError, match="GRUCell: input must have the type (autograd.)?float32"):
        nn.GRUCell(3, 4)(autograd.randn(2, 3, dtype=autograd.float64))
    with pytest.raises(RuntimeError,
                       match="hidden state must have the input's type (autograd.)?float32"):
        nn.RNN(3, 4)(autograd.randn(2, 1, 3), autograd.zeros(1, 1, 4, dtype=autograd.float64))


def test_module_reprs_match_torch():
    torch = need_torch()
    for kind, args, kwargs in [("LSTM", (3, 4), dict(num_layers=2, batch_first=True, proj_size=2)),
                               ("GRU", (3, 4), dict(bidirectional=True)),
                               ("RNN", (3, 4), dict(nonlinearity="relu", bias=False)),
                               ("RNNCell", (3, 4), dict(nonlinearity="relu")),
                               ("LSTMCell", (3, 4), {})]:
        assert repr(getattr(nn, kind)(*args, **kwargs)) == repr(getattr(torch.nn, kind)(*args,
                                                                                       **kwargs))
