"""MultiheadAttention (torch.nn.MultiheadAttention): torch's parameter names (in_proj_weight, or
q/k/v_proj_weight when kdim/vdim differ from embed_dim; in_proj_bias; out_proj; bias_k/bias_v),
initialisation and mask conventions; the computation is nn.functional.attention's."""

from __future__ import annotations

import autograd
from autograd import Tensor

from .. import init
from ..functional.attention import multi_head_attention_forward
from ..module import Module
from ..parameter import Parameter
from .linear import Linear


class NonDynamicallyQuantizableLinear(Linear):
    """The Linear used as MultiheadAttention.out_proj (torch keeps this name for quantization)."""


class MultiheadAttention(Module):
    """Attention over num_heads subspaces of embed_dim, concatenated and projected
    (torch.nn.MultiheadAttention); forward returns (output, averaged or per-head weights)."""

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False, kdim: int | None = None,
                 vdim: int | None = None, batch_first: bool = False, device=None,
                 dtype=None) -> None:
        super().__init__()
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"embed_dim and num_heads must be greater than 0, got "
                             f"embed_dim={embed_dim} and num_heads={num_heads} instead")
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != embed_dim:
            raise AssertionError("embed_dim must be divisible by num_heads")
        if not self._qkv_same_embed_dim:
            self.q_proj_weight = Parameter(autograd.empty(embed_dim, embed_dim, dtype=dtype))
            self.k_proj_weight = Parameter(autograd.empty(embed_dim, self.kdim, dtype=dtype))
            self.v_proj_weight = Parameter(autograd.empty(embed_dim, self.vdim, dtype=dtype))
            self.register_parameter("in_proj_weight", None)
        else:
            self.in_proj_weight = Parameter(autograd.empty(3 * embed_dim, embed_dim, dtype=dtype))
            self.register_parameter("q_proj_weight", None)
            self.register_parameter("k_proj_weight", None)
            self.register_parameter("v_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(autograd.empty(3 * embed_dim, dtype=dtype))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias,
                                                        dtype=dtype)
        if add_bias_kv:
            self.bias_k = Parameter(autograd.empty(1, 1, embed_dim, dtype=dtype))
            self.bias_v = Parameter(autograd.empty(1, 1, embed_dim, dtype=dtype))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        """Xavier-uniform projections, zero biases, Xavier-normal bias_k/bias_v (like torch)."""
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
        if self.bias_v is not None:
            init.xavier_normal_(self.bias_v)

    def _check_inputs(self, query: Tensor, key: Tensor, value: Tensor) -> None:
        name = type(self).__name__
        for what, t, size in (("query", query, self.embed_dim), ("key", key, self.kdim),
                              ("value", value, self.vdim)):
            if not isinstance(t, Tensor):
                raise TypeError(f"{name}: expected {what} to be a Tensor, got "
                                f"{type(t).__name__}")
            if t.ndim not in (2, 3) or t.shape[-1] != size:
                layout = "(N, L, E)" if self.batch_first else "(L, N, E)"
                raise RuntimeError(f"{name}: expected {what} of shape {layout} or unbatched "
                                   f"(L, E) with E = {size}, got {tuple(t.shape)}")

    def forward(self, query: Tensor, key: Tensor, value: Tensor,
                key_padding_mask: Tensor | None = None, need_weights: bool = True,
                attn_mask: Tensor | None = None, average_attn_weights: bool = True,
                is_causal: bool = False) -> tuple:
        """Returns (attn_output, attn_weights); weights are None when need_weights=False."""
        self._check_inputs(query, key, value)
        batched = query.ndim == 3
        # torch's fused inference kernel uses a plain softmax, so a query row whose keys are all
        # masked gives nan there even without weights; compute as it does when it would run
        plain_softmax = not need_weights and self._torch_would_fuse(query, key, value)
        if self.batch_first and batched:
            # keep identities (self-attention projects q, k, v with one matmul)
            if key is value:
                if query is key:
                    query = key = value = query.transpose(1, 0)
                else:
                    query, key = query.transpose(1, 0), key.transpose(1, 0)
                    value = key
            else:
                query, key, value = (x.transpose(1, 0) for x in (query, key, value))
        output, weights = multi_head_attention_forward(
            query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight,
            self.in_proj_bias, self.bias_k, self.bias_v, self.add_zero_attn, self.dropout,
            self.out_proj.weight, self.out_proj.bias, training=self.training,
            key_padding_mask=key_padding_mask, need_weights=need_weights or plain_softmax,
            attn_mask=attn_mask,
            use_separate_proj_weight=not self._qkv_same_embed_dim,
            q_proj_weight=self.q_proj_weight, k_proj_weight=self.k_proj_weight,
            v_proj_weight=self.v_proj_weight, average_attn_weights=average_attn_weights,
            is_causal=is_causal)
        if self.batch_first and batched:
            output = output.transpose(1, 0)
        return output, (weights if need_weights else None)

    def _torch_would_fuse(self, query: Tensor, key: Tensor, value: Tensor) -> bool:
        """Whether torch takes its fused inference path (torch's own list of conditions)."""
        if self.training or query.ndim != 3 or not (query is key and key is value):
            return False
        if not self.batch_first or self.num_heads % 2 or self.bias_k is not None \
                or self.add_zero_attn or not self._qkv_same_embed_dim \
                or self.in_proj_bias is None or query.dtype != self.in_proj_weight.dtype:
            return False
        tensors = (query, self.in_proj_weight, self.in_proj_bias, self.out_proj.weight,
                   self.out_proj.bias)
        return not (autograd.is_grad_enabled()
                    and any(t is not None and t.requires_grad for t in tensors))
