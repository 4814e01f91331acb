"""Attention: scaled dot-product attention and the multi-head attention forward pass
(torch.nn.functional.scaled_dot_product_attention, multi_head_attention_forward).

Masks follow torch: for scaled_dot_product_attention a bool mask marks positions that MAY be
attended (True = keep); for multi-head attention bool masks mark positions that may NOT be
attended (True = masked). Float masks are added to the scores in both. A query row with every key
masked gives zeros in scaled_dot_product_attention (torch's safe softmax) and nan weights in the
need_weights path of multi-head attention, as torch does.
"""

from __future__ import annotations

import math

import autograd
from autograd import Tensor

from .activation import softmax
from .dropout import dropout
from .linear import linear

__all__ = ["scaled_dot_product_attention", "multi_head_attention_forward"]

_NEG_INF = float("-inf")


def _check_mask_dtype(mask: Tensor | None, name: str, op: str) -> None:
    if mask is not None and mask.dtype.kind not in "bf":
        raise AssertionError(f"{op}: only bool and floating types of {name} are supported, got "
                             f"{mask.dtype}")


def _safe_softmax(scores: Tensor) -> Tensor:
    """Softmax over the last dim; rows whose scores are all -inf give zeros instead of nan."""
    dead = ((scores > _NEG_INF).sum(-1, keepdim=True) == 0)
    if not bool(dead.any()):
        return softmax(scores, -1)
    return autograd.where(dead, 0.0, softmax(autograd.where(dead, 0.0, scores), -1))


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor,
                                 attn_mask: Tensor | None = None, dropout_p: float = 0.0,
                                 is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:
    """softmax(Q K^T * scale + mask) V over the last two dims (torch.nn.functional.
    scaled_dot_product_attention); a bool mask keeps the True positions."""
    op = "scaled_dot_product_attention"
    for name, t in (("query", query), ("key", key), ("value", value)):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: expected {name} to be a Tensor, got {type(t).__name__}")
        if t.ndim < 2:
            raise RuntimeError(f"{op}: {name} must have at least 2 dimensions, got shape "
                               f"{tuple(t.shape)}")
    if query.shape[-1] != key.shape[-1]:
        raise RuntimeError(f"{op}: query and key must have the same embedding size, got query "
                           f"{tuple(query.shape)} and key {tuple(key.shape)}")
    if key.shape[-2] != value.shape[-2]:
        raise RuntimeError(f"{op}: key and value must have the same sequence length, got key "
                           f"{tuple(key.shape)} and value {tuple(value.shape)}")
    if enable_gqa and query.ndim >= 3 and key.shape[-3] != query.shape[-3]:
        q_heads, kv_heads = query.shape[-3], key.shape[-3]
        if q_heads % kv_heads or value.shape[-3] != kv_heads:
            raise RuntimeError(f"{op}: with enable_gqa the number of query heads ({q_heads}) "
                               f"must be a multiple of the key/value heads ({kv_heads}, "
                               f"{value.shape[-3]})")
        key = key.repeat_interleave(q_heads // kv_heads, dim=-3)
        value = value.repeat_interleave(q_heads // kv_heads, dim=-3)
    _check_mask_dtype(attn_mask, "attn_mask", op)
    length, source = query.shape[-2], key.shape[-2]
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError(f"{op}: Explicit attn_mask should not be set when is_causal=True")
        attn_mask = autograd.ones(length, source, dtype=autograd.bool).tril()
    factor = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = (query @ key.transpose(-2, -1)) * factor
    if attn_mask is not None:
        if attn_mask.dtype == autograd.bool:
            scores = scores.masked_fill(~attn_mask, _NEG_INF)
        else:
            scores = scores + attn_mask
    weights = _safe_softmax(scores)
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p, True)
    return weights @ value


def _canonical_mask(mask: Tensor | None, name: str, dtype) -> Tensor | None:
    """Bool masks (True = masked) become float masks of -inf and 0; float masks pass."""
    if mask is None:
        return None
    _check_mask_dtype(mask, name, "multi_head_attention_forward")
    if mask.dtype == autograd.bool:
        return autograd.zeros(mask.shape, dtype=dtype).masked_fill(mask, _NEG_INF)
    return mask.to(dtype)


def _pad_last(mask: Tensor | None) -> Tensor | None:
    """One more (unmasked) key column, for bias_k/bias_v or the zero attention slot."""
    if mask is None:
        return None
    return autograd.cat([mask, autograd.zeros(mask.shape[:-1] + (1,), dtype=mask.dtype)], -1)


def _project_inputs(query, key, value, in_proj_weight, in_proj_bias, separate, q_w, k_w, v_w):
    """q, k, v = the input projections; one matmul when query, key and value are one tensor."""
    e = query.shape[-1]
    if not separate:
        if query is key and key is value:
            return linear(query, in_proj_weight, in_proj_bias).chunk(3, -1)
        q_w, k_w, v_w = in_proj_weight.chunk(3)
    biases = (None, None, None) if in_proj_bias is None else in_proj_bias.chunk(3)
    if not separate and key is value:
        kv_bias = None if in_proj_bias is None else in_proj_bias[e:]
        k, v = linear(key, in_proj_weight[e:], kv_bias).chunk(2, -1)
        return linear(query, q_w, biases[0]), k, v
    return (linear(query, q_w, biases[0]), linear(key, k_w, biases[1]),
            linear(value, v_w, biases[2]))


def multi_head_attention_forward(query: Tensor, key: Tensor, value: Tensor,
                                 embed_dim_to_check: int, num_heads: int,
                                 in_proj_weight: Tensor | None, in_proj_bias: Tensor | None,
                                 bias_k: Tensor | None, bias_v: Tensor | None,
                                 add_zero_attn: bool, dropout_p: float, out_proj_weight: Tensor,
                                 out_proj_bias: Tensor | None, training: bool = True,
                                 key_padding_mask: Tensor | None = None,
                                 need_weights: bool = True, attn_mask: Tensor | None = None,
                                 use_separate_proj_weight: bool = False,
                                 q_proj_weight: Tensor | None = None,
                                 k_proj_weight: Tensor | None = None,
                                 v_proj_weight: Tensor | None = None,
                                 static_k: Tensor | None = None, static_v: Tensor | None = None,
                                 average_attn_weights: bool = True,
                                 is_causal: bool = False) -> tuple:
    """Multi-head attention on time-major (L, N, E) or unbatched (L, E) inputs; returns
    (output, weights or None) (torch.nn.functional.multi_head_attention_forward)."""
    op = "MultiheadAttention"
    batched = query.ndim == 3
    if query.ndim not in (2, 3):
        raise AssertionError(f"{op}: query should be unbatched 2D or batched 3D tensor but "
                             f"received {query.ndim}-D query tensor (shape {tuple(query.shape)})")
    if key.ndim != query.ndim or value.ndim != query.ndim:
        raise AssertionError(f"{op}: key and value must have the query's number of dimensions "
                             f"({query.ndim}), got key {tuple(key.shape)} and value "
                             f"{tuple(value.shape)}")
    if key_padding_mask is not None and key_padding_mask.ndim != (2 if batched else 1):
        raise AssertionError(f"{op}: expected key_padding_mask of shape (N, S) for batched or "
                             f"(S,) for unbatched input, got {tuple(key_padding_mask.shape)}")
    if not batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    length, batch, embed_dim = query.shape
    source = key.shape[0]
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"{op}: was expecting embedding dimension of {embed_dim_to_check}, "
                             f"but got {embed_dim} (query shape {tuple(query.shape)})")
    if key.shape[:2] != value.shape[:2] or key.shape[1] != batch:
        raise AssertionError(f"{op}: key shape {tuple(key.shape)} does not match value shape "
                             f"{tuple(value.shape)} or the query's batch size {batch}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    key_padding_mask = _canonical_mask(key_padding_mask, "key_padding_mask", query.dtype)
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the "
                           "Transformer module method `generate_square_subsequent_mask` to "
                           "create this mask.")
    if is_causal and key_padding_mask is None and not need_weights:
        attn_mask = None  # scaled_dot_product_attention builds the causal mask itself
    else:
        attn_mask = _canonical_mask(attn_mask, "attn_mask", query.dtype)
        if key_padding_mask is not None:
            is_causal = False
    q, k, v = _project_inputs(query, key, value, in_proj_weight, in_proj_bias,
                              use_separate_proj_weight, q_proj_weight, k_proj_weight,
                              v_proj_weight)
    if attn_mask is not None:
        if attn_mask.ndim == 2:
            if tuple(attn_mask.shape) != (length, source):
                raise RuntimeError(f"The shape of the 2D attn_mask is {tuple(attn_mask.shape)}, "
                                   f"but should be {(length, source)}.")
            attn_mask = attn_mask.unsqueeze(0)
        elif attn_mask.ndim == 3:
            if tuple(attn_mask.shape) != (batch * num_heads, length, source):
                raise RuntimeError(f"The shape of the 3D attn_mask is {tuple(attn_mask.shape)}, "
                                   f"but should be {(batch * num_heads, length, source)}.")
        else:
            raise RuntimeError(f"attn_mask's dimension {attn_mask.ndim} is not supported")
    if bias_k is not None and bias_v is not None:
        if static_k is not None or static_v is not None:
            raise AssertionError(f"{op}: bias cannot be added to static key/value.")
        k = autograd.cat([k, bias_k.expand(1, batch, embed_dim)])
        v = autograd.cat([v, bias_v.expand(1, batch, embed_dim)])
        attn_mask = _pad_last(attn_mask)
        key_padding_mask = _pad_last(key_padding_mask)
    # (L, N, E) -> (N * heads, L, head_dim)
    q = q.reshape(length, batch * num_heads, head_dim).transpose(0, 1)
    k = k.reshape(k.shape[0], batch * num_heads, head_dim).transpose(0, 1) \
        if static_k is None else static_k
    v = v.reshape(v.shape[0], batch * num_heads, head_dim).transpose(0, 1) \
        if static_v is None else static_v
    if add_zero_attn:
        k = autograd.cat([k, autograd.zeros(k.shape[0], 1, head_dim, dtype=k.dtype)], 1)
        v = autograd.cat([v, autograd.zeros(v.shape[0], 1, head_dim, dtype=v.dtype)], 1)
        attn_mask = _pad_last(attn_mask)
        key_padding_mask = _pad_last(key_padding_mask)
    source = k.shape[1]
    if key_padding_mask is not None:
        if tuple(key_padding_mask.shape) != (batch, source):
            raise AssertionError(f"expecting key_padding_mask shape of {(batch, source)}, but "
                                 f"got {tuple(key_padding_mask.shape)}")
        padding = key_padding_mask.reshape(batch, 1, 1, source).expand(
            batch, num_heads, 1, source).reshape(batch * num_heads, 1, source)
        attn_mask = padding if attn_mask is None else attn_mask + padding
    if not training:
        dropout_p = 0.0
    if need_weights:
        scores = (q * (1.0 / math.sqrt(head_dim))) @ k.transpose(-2, -1)
        if attn_mask is not None:
            scores = scores + attn_mask
        weights = softmax(scores, -1)
        if dropout_p > 0.0:
            weights = dropout(weights, dropout_p, True)
        out = (weights @ v).transpose(0, 1).reshape(length * batch, embed_dim)
        out = linear(out, out_proj_weight, out_proj_bias).reshape(length, batch, embed_dim)
        weights = weights.reshape(batch, num_heads, length, source)
        if average_attn_weights:
            weights = weights.mean(1)
        if not batched:
            out, weights = out.squeeze(1), weights.squeeze(0)
        return out, weights
    if attn_mask is not None:
        attn_mask = attn_mask.unsqueeze(0) if attn_mask.shape[0] == 1 else \
            attn_mask.reshape(batch, num_heads, -1, source)
    q = q.reshape(batch, num_heads, length, head_dim)
    k = k.reshape(batch, num_heads, source, head_dim)
    v = v.reshape(batch, num_heads, source, head_dim)
    out = scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal)
    out = out.permute(2, 0, 1, 3).reshape(batch * length, embed_dim)
    out = linear(out, out_proj_weight, out_proj_bias).reshape(length, batch, embed_dim)
    return (out if batched else out.squeeze(1)), None
