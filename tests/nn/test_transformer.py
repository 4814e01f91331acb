"""Transformer layers against torch with the same weights (dropout 0): outputs, input and
parameter gradients, masks, norm_first, activations, state_dict keys, errors."""

import warnings

import numpy as np
import pytest

import autograd
import nn
import nn.functional as F
from tests.helpers.torch_ref import need_torch
from tests.nn.torch_weights import close, close_grads, load_from_torch, pair

RNG = np.random.default_rng(0)


def _randn(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def _build(torch, kind, *args, **kwargs):
    autograd.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = _make(nn, kind, args, kwargs)
        theirs = _make(torch.nn, kind, args, kwargs)
    load_from_torch(ours, theirs)
    return ours, theirs


def _make(lib, kind, args, kwargs):
    if kind in ("TransformerEncoder", "TransformerDecoder"):
        layer_kind = kind + "Layer"
        layer = getattr(lib, layer_kind)(*args, **kwargs)
        norm = lib.LayerNorm(args[0])
        return getattr(lib, kind)(layer, 2, norm=norm)
    return getattr(lib, kind)(*args, **kwargs)


def _run(torch, ours, theirs, arrays, masks=None, **kwargs):
    tensors = [pair(torch, a) for a in arrays]
    masks = {k: (autograd.tensor(v), torch.tensor(v)) for k, v in (masks or {}).items()}
    out = ours(*(a for a, _ in tensors), **{k: a for k, (a, _) in masks.items()}, **kwargs)
    tout = theirs(*(b for _, b in tensors), **{k: b for k, (_, b) in masks.items()}, **kwargs)
    close(out, tout, what="output")
    w = _randn(*tout.shape)
    (out * autograd.tensor(w)).sum().backward()
    (tout * torch.tensor(w)).sum().backward()
    for a, b in tensors:
        close(a.grad, b.grad, what="input grad")
    close_grads(ours, theirs)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("norm_first", [False, True])
def test_encoder_layer_matches_torch(batch_first, norm_first):
    torch = need_torch()
    ours, theirs = _build(torch, "TransformerEncoderLayer", 8, 2, 16, 0.0,
                          batch_first=batch_first, norm_first=norm_first)
    shape = (2, 5, 8) if batch_first else (5, 2, 8)
    padding = np.zeros((2, 5), bool)
    padding[1, 3:] = True
    causal = np.triu(np.full((5, 5), -np.inf, np.float32), 1)
    _run(torch, ours, theirs, [_randn(*shape)],
         masks={"src_mask": causal, "src_key_padding_mask": padding})


@pytest.mark.parametrize("activation", ["gelu", "callable"])
def test_encoder_layer_activations_and_no_bias_match_torch(activation):
    torch = need_torch()
    autograd.manual_seed(0)
    if activation == "callable":
        ours = nn.TransformerEncoderLayer(8, 4, 12, 0.0, activation=F.silu, bias=False)
        theirs = torch.nn.TransformerEncoderLayer(8, 4, 12, 0.0,
                                                  activation=torch.nn.functional.silu,
                                                  bias=False)
    else:
        ours = nn.TransformerEncoderLayer(8, 4, 12, 0.0, activation="gelu", layer_norm_eps=1e-3)
        theirs = torch.nn.TransformerEncoderLayer(8, 4, 12, 0.0, activation="gelu",
                                                  layer_norm_eps=1e-3)
    load_from_torch(ours, theirs)
    _run(torch, ours, theirs, [_randn(4, 3, 8)])


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("norm_first", [False, True])
def test_decoder_layer_matches_torch(batch_first, norm_first):
    torch = need_torch()
    ours, theirs = _build(torch, "TransformerDecoderLayer", 8, 2, 16, 0.0,
                          batch_first=batch_first, norm_first=norm_first)
    tgt, mem = ((2, 4, 8), (2, 6, 8)) if batch_first else ((4, 2, 8), (6, 2, 8))
    memory_padding = np.zeros((2, 6), bool)
    memory_padding[0, 4:] = True
    _run(torch, ours, theirs, [_randn(*tgt), _randn(*mem)],
         masks={"tgt_mask": np.triu(np.ones((4, 4), bool), 1),
                "memory_key_padding_mask": memory_padding}, tgt_is_causal=True)


def test_stacks_with_final_norm_match_torch():
    torch = need_torch()
    ours, theirs = _build(torch, "TransformerEncoder", 8, 2, 16, 0.0, batch_first=True)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    causal = np.triu(np.full((5, 5), -np.inf, np.float32), 1)
    _run(torch, ours, theirs, [_randn(2, 5, 8)], masks={"mask": causal})
    ours, theirs = _build(torch, "TransformerDecoder", 8, 2, 16, 0.0)
    _run(torch, ours, theirs, [_randn(3, 2, 8), _randn(4, 2, 8)],
         masks={"tgt_mask": causal[:3, :3]})


@pytest.mark.parametrize("batch_first", [False, True])
def test_full_transformer_matches_torch(batch_first):
    torch = need_torch()
    ours, theirs = _build(torch, "Transformer", 8, 2, 2, 1, 16, 0.0, batch_first=batch_first)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    src, tgt = ((2, 5, 8), (2, 3, 8)) if batch_first else ((5, 2, 8), (3, 2, 8))
    tgt_mask = nn.Transformer.generate_square_subsequent_mask(3).numpy()
    src_padding = np.zeros((2, 5), bool)
    src_padding[1, 4] = True
    _run(torch, ours, theirs, [_randn(*src), _randn(*tgt)],
         masks={"tgt_mask": tgt_mask, "src_key_padding_mask": src_padding,
                "memory_key_padding_mask": src_padding})


def test_square_subsequent_mask_matches_torch():
    torch = need_torch()
    np.testing.assert_array_equal(nn.Transformer.generate_square_subsequent_mask(4).numpy(),
                                  torch.nn.Transformer.generate_square_subsequent_mask(4).numpy())
    mask = nn.Transformer.generate_square_subsequent_mask(3, dtype=autograd.float64)
    assert mask.dtype == autograd.float64


def test_eval_inference_zeroes_padded_positions_like_torch():
    torch = need_torch()
    ours, theirs = _build(torch, "TransformerEncoder", 8, 2, 16, 0.0, batch_first=True)
    ours.eval()
    theirs.eval()
    x = _randn(2, 4, 8)
    padding = np.array([[False, False, True, True], [False] * 4])
    with autograd.no_grad():
        out = ours(autograd.tensor(x), src_key_padding_mask=autograd.tensor(padding))
    with torch.no_grad():
        tout = theirs(torch.tensor(x), src_key_padding_mask=torch.tensor(padding))
    close(out, tout)


def test_nested_tensor_warning_like_torch():
    layer = nn.TransformerEncoderLayer(8, 2, 16)
    with pytest.warns(UserWarning, match="batch_first was not True"):
        nn.TransformerEncoder(layer, 2)


def test_gradcheck_float64():
    layer = nn.TransformerEncoderLayer(4, 2, 6, 0.0).double()
    x = autograd.randn(3, 2, 4, dtype=autograd.float64, requires_grad=True)
    assert autograd.gradcheck(lambda x: layer(x), (x,))


def test_errors_like_torch():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = nn.Transformer(8, 2, 1, 1, 16)
    with pytest.raises(RuntimeError, match="the batch number of src and tgt must be equal"):
        model(autograd.randn(5, 2, 8), autograd.randn(3, 3, 8))
    with pytest.raises(RuntimeError, match="the feature number of src and tgt must be equal to "
                                           "d_model"):
        model(autograd.randn(5, 2, 8), autograd.randn(3, 2, 6))
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
        nn.TransformerEncoderLayer(8, 2, activation="tanh")


@pytest.mark.parametrize("batch_first", [False, True])
def test_eval_fully_masked_sequence_like_torch(batch_first):
    torch = need_torch()
    ours, theirs = _build(torch, "TransformerEncoderLayer", 8, 2, 16, 0.0,
                          batch_first=batch_first)
    ours.eval()
    theirs.eval()
    x = _randn(2, 4, 8) if batch_first else _randn(4, 2, 8)
    padding = np.array([[False, False, True, True], [True] * 4])
    with autograd.no_grad():
        out = ours(autograd.tensor(x), src_key_padding_mask=autograd.tensor(padding))
    with torch.no_grad():
        tout = theirs(torch.tensor(x), src_key_padding_mask=torch.tensor(padding))
    close(out, tout)
