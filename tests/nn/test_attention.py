"""scaled_dot_product_attention and MultiheadAttention against torch: outputs, weights, input and
parameter gradients, masks (bool and float, fully masked rows), state_dict keys, errors."""

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


def _sdpa_check(torch, q_shape, k_shape, v_shape, mask=None, **kwargs):
    (q, tq), (k, tk), (v, tv) = (pair(torch, _randn(*s)) for s in (q_shape, k_shape, v_shape))
    m = tm = None
    if mask is not None:
        m, tm = autograd.tensor(mask), torch.tensor(mask)
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=m, **kwargs)
    tout = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, attn_mask=tm, **kwargs)
    close(out, tout)
    w = _randn(*tout.shape)
    (out * autograd.tensor(w)).sum().backward()
    (tout * torch.tensor(w)).sum().backward()
    for ours, theirs in ((q, tq), (k, tk), (v, tv)):
        close(ours.grad, theirs.grad)


def test_sdpa_plain_and_scaled_match_torch():
    torch = need_torch()
    _sdpa_check(torch, (2, 3, 4, 8), (2, 3, 6, 8), (2, 3, 6, 5))
    _sdpa_check(torch, (5, 4), (7, 4), (7, 3), scale=0.3)


def test_sdpa_bool_mask_keeps_true_positions_like_torch():
    torch = need_torch()
    mask = RNG.random((4, 6)) > 0.4
    mask[:, 0] = True
    _sdpa_check(torch, (2, 3, 4, 8), (2, 3, 6, 8), (2, 3, 6, 5), mask=mask)


def test_sdpa_float_mask_is_added_like_torch():
    torch = need_torch()
    _sdpa_check(torch, (2, 4, 8), (2, 6, 8), (2, 6, 5), mask=_randn(2, 4, 6))


def test_sdpa_fully_masked_row_gives_zeros_like_torch():
    torch = need_torch()
    mask = np.ones((4, 6), bool)
    mask[1] = False
    _sdpa_check(torch, (2, 4, 8), (2, 6, 8), (2, 6, 5), mask=mask)
    float_mask = np.zeros((4, 6), np.float32)
    float_mask[2] = -np.inf
    _sdpa_check(torch, (2, 4, 8), (2, 6, 8), (2, 6, 5), mask=float_mask)


def test_sdpa_causal_matches_torch():
    torch = need_torch()
    _sdpa_check(torch, (2, 2, 5, 4), (2, 2, 5, 4), (2, 2, 5, 3), is_causal=True)
    _sdpa_check(torch, (1, 3, 4), (1, 6, 4), (1, 6, 3), is_causal=True)


def test_sdpa_grouped_query_attention_matches_torch():
    torch = need_torch()
    _sdpa_check(torch, (2, 4, 3, 8), (2, 2, 5, 8), (2, 2, 5, 6), enable_gqa=True)


def test_sdpa_dropout_one_zeroes_everything_like_torch():
    torch = need_torch()
    _sdpa_check(torch, (2, 3, 4), (2, 5, 4), (2, 5, 4), dropout_p=1.0)


def test_sdpa_causal_with_mask_raises():
    q = autograd.randn(2, 3, 4)
    with pytest.raises(RuntimeError, match="Explicit attn_mask should not be set"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=autograd.ones(3, 3), is_causal=True)


def _mha(torch, *args, **kwargs):
    autograd.manual_seed(0)
    ours = nn.MultiheadAttention(*args, **kwargs)
    theirs = torch.nn.MultiheadAttention(*args, **kwargs)
    load_from_torch(ours, theirs)
    return ours, theirs


def _mha_check(torch, ours, theirs, shapes, self_attention=False, masks=None, **kwargs):
    """Run both with the same inputs; masks maps argument name -> numpy mask."""
    tensors = [pair(torch, _randn(*s)) for s in shapes]
    if self_attention:
        tensors = tensors[:1] * 3
    masks = {k: (autograd.tensor(v), torch.tensor(v)) for k, v in (masks or {}).items()}
    out, weights = ours(*(a for a, _ in tensors), **{k: a for k, (a, _) in masks.items()},
                        **kwargs)
    tout, tweights = theirs(*(b for _, b in tensors), **{k: b for k, (_, b) in masks.items()},
                            **kwargs)
    close(out, tout, what="attention output")
    assert (weights is None) == (tweights is None)
    if weights is not None:
        close(weights, tweights, what="attention weights")
    if np.isnan(tout.detach().numpy()).any():
        return
    w = _randn(*tout.shape)
    loss = (out * autograd.tensor(w)).sum()
    tloss = (tout * torch.tensor(w)).sum()
    if weights is not None:
        loss = loss + (weights * weights).sum()
        tloss = tloss + (tweights * tweights).sum()
    loss.backward()
    tloss.backward()
    seen = set()
    for a, b in tensors:
        if id(a) not in seen:
            seen.add(id(a))
            close(a.grad, b.grad, what="input grad")
    close_grads(ours, theirs)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("need_weights", [False, True])
def test_self_attention_matches_torch(batch_first, need_weights):
    torch = need_torch()
    ours, theirs = _mha(torch, 8, 2, batch_first=batch_first)
    shape = (3, 5, 8) if batch_first else (5, 3, 8)
    _mha_check(torch, ours, theirs, [shape], self_attention=True, need_weights=need_weights)


@pytest.mark.parametrize("batch_first", [False, True])
def test_cross_attention_with_kdim_vdim_matches_torch(batch_first):
    torch = need_torch()
    ours, theirs = _mha(torch, 8, 4, kdim=6, vdim=3, batch_first=batch_first)
    assert ours.in_proj_weight is None and ours.k_proj_weight.shape == (8, 6)
    shapes = [(2, 4, 8), (2, 6, 6), (2, 6, 3)] if batch_first else \
        [(4, 2, 8), (6, 2, 6), (6, 2, 3)]
    _mha_check(torch, ours, theirs, shapes, average_attn_weights=False)


@pytest.mark.parametrize("mask_kind", ["bool", "float"])
@pytest.mark.parametrize("need_weights", [False, True])
def test_masks_match_torch(mask_kind, need_weights):
    torch = need_torch()
    ours, theirs = _mha(torch, 8, 2, batch_first=True)
    padding = np.zeros((3, 6), bool)
    padding[0, 4:] = True
    padding[2, 1] = True
    attn = np.triu(np.ones((6, 6), bool), 1)
    if mask_kind == "float":
        padding = np.where(padding, -np.inf, 0).astype(np.float32)
        attn = np.where(attn, -np.inf, 0).astype(np.float32) + _randn(6, 6) * 0.1
    _mha_check(torch, ours, theirs, [(3, 6, 8)], self_attention=True,
               masks={"key_padding_mask": padding, "attn_mask": attn}, need_weights=need_weights)


def test_per_head_3d_mask_and_causal_hint_match_torch():
    torch = need_torch()
    ours, theirs = _mha(torch, 8, 2)
    mask = RNG.random((2 * 2, 4, 5)) > 0.7
    _mha_check(torch, ours, theirs, [(4, 2, 8), (5, 2, 8), (5, 2, 8)], masks={"attn_mask": mask})
    causal = np.triu(np.ones((4, 4), bool), 1)
    _mha_check(torch, ours, theirs, [(4, 2, 8)], self_attention=True,
               masks={"attn_mask": causal}, need_weights=False, is_causal=True)


@pytest.mark.parametrize("need_weights", [False, True])
def test_fully_masked_query_row_behaves_like_torch(need_weights):
    torch = need_torch()
    ours, theirs = _mha(torch, 4, 2, batch_first=True)
    padding = np.zeros((2, 3), bool)
    padding[1] = True  # nan weights with need_weights, zeros through the fused path
    _mha_check(torch, ours, theirs, [(2, 3, 4)], self_attention=True,
               masks={"key_padding_mask": padding}, need_weights=need_weights)


def test_bias_kv_zero_attn_and_no_bias_match_torch():
    torch = need_torch()
    ours, theirs = _mha(torch, 6, 3, add_bias_kv=True, add_zero_attn=True)
    padding = np.zeros((2, 4), bool)
    padding[1, 3] = True
    _mha_check(torch, ours, theirs, [(3, 2, 6), (4, 2, 6), (4, 2, 6)],
               masks={"key_padding_mask": padding})
    ours, theirs = _mha(torch, 6, 2, bias=False)
    _mha_check(torch, ours, theirs, [(3, 2, 6)], self_attention=True, need_weights=False)


def test_unbatched_input_matches_torch():
    torch = need_torch()
    ours, theirs = _mha(torch, 8, 4)
    _mha_check(torch, ours, theirs, [(5, 8), (3, 8), (3, 8)],
               masks={"key_padding_mask": np.array([False, True, False])})


def test_state_dict_keys_match_torch():
    torch = need_torch()
    for kwargs in (dict(), dict(kdim=3, vdim=5), dict(add_bias_kv=True, bias=False)):
        ours = nn.MultiheadAttention(6, 2, **kwargs)
        theirs = torch.nn.MultiheadAttention(6, 2, **kwargs)
        assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == \
               [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]


def test_initial_biases_are_zero_and_weights_xavier_bounded():
    mha = nn.MultiheadAttention(16, 4)
    assert not mha.in_proj_bias.detach().numpy().any()
    assert not mha.out_proj.bias.detach().numpy().any()
    bound = np.sqrt(6 / (16 + 48))
    assert np.abs(mha.in_proj_weight.detach().numpy()).max() <= bound


def test_gradcheck_float64():
    mha = nn.MultiheadAttention(4, 2).double()
    q = autograd.randn(3, 2, 4, dtype=autograd.float64, requires_grad=True)
    kv = autograd.randn(5, 2, 4, dtype=autograd.float64, requires_grad=True)
    assert autograd.gradcheck(lambda q, kv: mha(q, kv, kv)[0], (q, kv))
    x = autograd.randn(2, 3, 4, dtype=autograd.float64, requires_grad=True)
    assert autograd.gradgradcheck(lambda x: F.scaled_dot_product_attention(x, x, x), (x,))


def test_errors_name_layer_and_shapes():
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        nn.MultiheadAttention(6, 4)
    mha = nn.MultiheadAttention(8, 2)
    x = autograd.randn(4, 2, 8)
    with pytest.raises(RuntimeError, match=r"2D attn_mask is \(3, 4\), but should be \(4, 4\)"):
        mha(x, x, x, attn_mask=autograd.zeros(3, 4))
    with pytest.raises(RuntimeError, match=r"MultiheadAttention: expected key.*E = 8, got "
                                           r"\(4, 2, 6\)"):
        mha(x, autograd.randn(4, 2, 6), x)
    with pytest.raises(RuntimeError, match="Need attn_mask if specifying the is_causal hint"):
        mha(x, x, x, is_causal=True)


def test_functional_forward_with_static_keys_matches_torch():
    torch = need_torch()
    ours, theirs = _mha(torch, 8, 2)
    args = [_randn(3, 2, 8), _randn(5, 2, 8), _randn(5, 2, 8)]
    static_k, static_v = _randn(4, 6, 4), _randn(4, 6, 4)

    def run(lib, mha, conv):
        f = F if lib is None else lib.nn.functional
        return f.multi_head_attention_forward(
            *(conv(a) for a in args), 8, 2, mha.in_proj_weight, mha.in_proj_bias, None, None,
            False, 0.0, mha.out_proj.weight, mha.out_proj.bias, static_k=conv(static_k),
            static_v=conv(static_v))

    out, weights = run(None, ours, autograd.tensor)
    tout, tweights = run(torch, theirs, torch.tensor)
    close(out, tout)
    close(weights, tweights)


def test_inference_fully_masked_row_follows_torch_fused_path():
    torch = need_torch()
    ours, theirs = _mha(torch, 8, 2, batch_first=True)
    ours.eval()
    theirs.eval()
    x = _randn(2, 4, 8)
    padding = np.array([[False, False, True, True], [True] * 4])
    for ctx_ours, ctx_theirs in ((autograd.no_grad, torch.no_grad),
                                 (autograd.enable_grad, torch.enable_grad)):
        with ctx_ours():
            xo = autograd.tensor(x)
            out, weights = ours(xo, xo, xo, key_padding_mask=autograd.tensor(padding),
                                need_weights=False)
        with ctx_theirs():
            xt = torch.tensor(x)
            tout, tweights = theirs(xt, xt, xt, key_padding_mask=torch.tensor(padding),
                                    need_weights=False)
        assert weights is None and tweights is None
        close(out, tout)
