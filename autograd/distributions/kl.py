"""torch.distributions.kl_divergence between two distributions of a kind."""

from __future__ import annotations

import math

from ..ops.activation import softplus
from ..tensor import Tensor
from .base import (
    Distribution,
)
from .continuous import Normal
from .discrete import Bernoulli, Categorical


def kl_divergence(p: Distribution, q: Distribution) -> Tensor:
    """torch.distributions.kl_divergence(p, q) for two Normals, Categoricals or Bernoullis."""
    if isinstance(p, Normal) and isinstance(q, Normal):
        var_ratio = (p.scale / q.scale).pow(2)
        t1 = ((p.loc - q.loc) / q.scale).pow(2)
        return 0.5 * (var_ratio + t1 - 1 - var_ratio.log())
    if isinstance(p, Categorical) and isinstance(q, Categorical):
        t = p.probs * (p.logits - q.logits)
        t = t.masked_fill(q.probs == 0, math.inf).masked_fill(p.probs == 0, 0.0)
        return t.sum(-1)
    if isinstance(p, Bernoulli) and isinstance(q, Bernoulli):
        t1 = p.probs * (softplus(-q.logits) - softplus(-p.logits))
        t1 = t1.masked_fill(q.probs == 0, math.inf).masked_fill(p.probs == 0, 0.0)
        t2 = (1 - p.probs) * (softplus(q.logits) - softplus(p.logits))
        t2 = t2.masked_fill(q.probs == 1, math.inf).masked_fill(p.probs == 1, 0.0)
        return t1 + t2
    raise NotImplementedError(f"kl_divergence: no formula for {type(p).__name__} and "
                              f"{type(q).__name__}")
