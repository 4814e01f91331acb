"""A torch module's state_dict, as numpy arrays, loads into ours and gives the same outputs and
gradients (inputs and parameters), for every commonly used layer."""

import numpy as np
import pytest

from tests.helpers.torch_ref import need_torch

# (constructor, input shape, input dtype); constructors are evaluated with `nn` bound to each lib
CASES = [
    ("nn.Linear(5, 3)", (4, 5), "float32"),
    ("nn.Bilinear(3, 3, 2)", None, None),
    ("nn.Conv1d(3, 4, 3, stride=2, padding=1)", (2, 3, 9), "float32"),
    ("nn.Conv2d(3, 4, 3, padding='same', dilation=2)", (2, 3, 8, 8), "float32"),
    ("nn.Conv2d(4, 4, 3, groups=2, bias=False, padding_mode='reflect', padding=1)",
     (2, 4, 6, 6), "float32"),
    ("nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, output_padding=1)", (2, 3, 5, 5), "float32"),
    ("nn.ConvTranspose1d(3, 2, 4, stride=2)", (2, 3, 5), "float32"),
    ("nn.BatchNorm1d(5)", (6, 5), "float32"),
    ("nn.BatchNorm2d(3)", (4, 3, 5, 5), "float32"),
    ("nn.LayerNorm([4, 5])", (3, 4, 5), "float32"),
    ("nn.GroupNorm(2, 4)", (3, 4, 5), "float32"),
    ("nn.InstanceNorm2d(3, affine=True, track_running_stats=True)", (2, 3, 4, 4), "float32"),
    ("nn.RMSNorm(5)", (3, 5), "float32"),
    ("nn.PReLU(3)", (2, 3, 4), "float32"),
    ("nn.Embedding(10, 4, padding_idx=1)", (3, 5), "int64"),
    ("nn.EmbeddingBag(10, 4, mode='max')", (3, 5), "int64"),
    ("nn.LSTM(4, 6, num_layers=2, batch_first=True, bidirectional=True)", (3, 5, 4), "float32"),
    ("nn.LSTM(4, 6, proj_size=3)", (5, 3, 4), "float32"),
    ("nn.GRU(4, 6, num_layers=2)", (5, 3, 4), "float32"),
    ("nn.RNN(4, 6, nonlinearity='relu', bias=False, batch_first=True)", (3, 5, 4), "float32"),
    ("nn.LSTMCell(4, 6)", (3, 4), "float32"),
    ("nn.GRUCell(4, 6)", (3, 4), "float32"),
    ("nn.RNNCell(4, 6)", (3, 4), "float32"),
    ("nn.MultiheadAttention(8, 2, batch_first=True)", (2, 5, 8), "float32"),
    ("nn.MultiheadAttention(8, 2, kdim=4, vdim=6)", None, None),
    ("nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True, norm_first=True)",
     (2, 5, 8), "float32"),
    ("nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, activation='gelu')", (5, 2, 8), "float32"),
    ("nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, batch_first=True)", None, None),
    ("nn.Transformer(8, 2, 1, 1, 16, dropout=0.0, batch_first=True)", None, None),
    ("nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.MaxPool2d(2), "
     "nn.Flatten(), nn.Linear(8, 3))", (2, 1, 6, 6), "float32"),
]


def _libs():
    torch = need_torch()
    import autograd
    import nn

    return (torch, torch.nn), (autograd, nn)


def _inputs(lib, ctor, shape, dtype, rng):
    """The forward arguments for one case (multi-input layers get theirs spelled out)."""
    def f(*s):
        return lib.tensor(rng.normal(size=s).astype(np.float32), requires_grad=True)

    if ctor.startswith("nn.Bilinear"):
        return [f(4, 3), f(4, 3)]
    if "MultiheadAttention(8, 2, batch_first" in ctor:
        x = f(*shape)
        return [x, x, x]
    if "kdim=4" in ctor:
        return [f(5, 2, 8), f(3, 2, 4), f(3, 2, 6)]
    if ctor.startswith("nn.TransformerDecoderLayer"):
        return [f(2, 4, 8), f(2, 5, 8)]
    if ctor.startswith("nn.Transformer("):
        return [f(2, 5, 8), f(2, 4, 8)]
    if dtype == "int64":
        return [lib.tensor(rng.integers(0, 10, size=shape))]
    return [f(*shape)]


def _first(out):
    while isinstance(out, (tuple, list)):
        out = out[0]
    return out


# eval mode differs from train mode only where running statistics are kept
PARAMS = [(*case, "train") for case in CASES] + [
    (*case, "eval") for case in CASES if "Norm" in case[0] or "Transformer" in case[0]]


@pytest.mark.filterwarnings("ignore:LSTM with projections is not supported with oneDNN")
@pytest.mark.parametrize("ctor,shape,dtype,mode", PARAMS,
                         ids=[f"{p[0][:60]}-{p[3]}" for p in PARAMS])
def test_torch_state_dict_loads_and_matches(ctor, shape, dtype, mode):
    (torch, tnn), (ours, onn) = _libs()
    torch.manual_seed(0)
    ref = eval(ctor, {"nn": tnn})
    mine = eval(ctor, {"nn": onn})
    state = {k: v.detach().numpy() for k, v in ref.state_dict().items()}
    result = mine.load_state_dict(state)
    assert list(result.missing_keys) == [] and list(result.unexpected_keys) == []
    assert list(mine.state_dict()) == list(ref.state_dict())
    getattr(ref, mode)()
    getattr(mine, mode)()
    outs = []
    for lib, module in ((torch, ref), (ours, mine)):
        args = _inputs(lib, ctor, shape, dtype, np.random.default_rng(1))
        out = _first(module(*args))
        weights = lib.tensor(np.random.default_rng(2).normal(size=tuple(out.shape))
                             .astype(np.float32))
        (out * weights).sum().backward()
        grads = [a.grad for a in args if a.requires_grad]
        grads += [p.grad for p in module.parameters()]
        outs.append((out, grads))
    (ref_out, ref_grads), (our_out, our_grads) = outs
    np.testing.assert_allclose(our_out.detach().numpy(), ref_out.detach().numpy(),
                               rtol=1e-4, atol=1e-5)
    assert len(our_grads) == len(ref_grads)
    for i, (g_ours, g_ref) in enumerate(zip(our_grads, ref_grads)):
        assert (g_ours is None) == (g_ref is None), f"gradient {i}: None in only one library"
        if g_ref is not None:
            np.testing.assert_allclose(g_ours.numpy(), g_ref.numpy(), rtol=1e-4, atol=1e-5,
                                       err_msg=f"gradient {i}")
    for (name, ref_buf), (_, our_buf) in zip(ref.named_buffers(), mine.named_buffers()):
        np.testing.assert_allclose(our_buf.numpy(), ref_buf.numpy(), rtol=1e-4, atol=1e-5,
                                   err_msg=name)
