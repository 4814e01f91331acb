"""Discrete distributions: Categorical, Bernoulli, Poisson; log_prob and entropy are
Tensor expressions, so policy-gradient losses backpropagate through them."""

from __future__ import annotations

import math

import numpy as np

from .. import creation
from ..compat.type_info import finfo
from ..grad_mode import no_grad
from ..ops import lgamma, xlogy
from ..ops.activation import softplus
from ..ops.shape import broadcast_shapes
from ..random import rng_of
from ..tensor import Tensor
from .base import (
    Distribution,
    _broadcast,
    _check_support,
    _clamp_probs,
    _sampled,
)


class Categorical(Distribution):
    """torch.distributions.Categorical(probs=None, logits=None): one of K classes per batch entry
    (the last dim of probs/logits holds the K classes)."""

    _params = ("probs",)

    def __init__(self, probs: Tensor | None = None, logits: Tensor | None = None,
                 validate_args=None) -> None:
        if (probs is None) == (logits is None):
            raise ValueError("Categorical: either `probs` or `logits` must be specified, "
                             "but not both.")
        if probs is not None:
            if probs.dim() < 1:
                raise ValueError("Categorical: `probs` parameter must be at least one-dimensional.")
            self.probs = probs / probs.sum(-1, keepdim=True)
            self.logits = _clamp_probs(self.probs).log()
        else:
            if logits.dim() < 1:
                raise ValueError("Categorical: `logits` parameter must be at least "
                                 "one-dimensional.")
            self.logits = logits - logits.logsumexp(-1, keepdim=True)
            self.probs = self.logits.softmax(-1)
        self._num_events = self.probs.shape[-1]
        super().__init__(self.probs.shape[:-1])

    @property
    def param_shape(self) -> tuple:
        return self.probs.shape

    @property
    def mean(self) -> Tensor:
        return creation.full(self.batch_shape, math.nan, dtype=self.probs.dtype)

    @property
    def mode(self) -> Tensor:
        return self.probs.argmax(-1)

    @property
    def variance(self) -> Tensor:
        return creation.full(self.batch_shape, math.nan, dtype=self.probs.dtype)

    def sample(self, sample_shape=()) -> Tensor:
        """Class indices (int64) of shape sample_shape + batch_shape."""
        n = math.prod(sample_shape)
        flat = self.probs.detach().reshape(-1, self._num_events)
        draws = creation.multinomial(flat, n, replacement=True)  # (batch, n)
        return draws.t().reshape(self._extended_shape(sample_shape))

    def log_prob(self, value: Tensor) -> Tensor:
        """log P(value) for class indices ``value`` (broadcast against the batch shape)."""
        _check_support(self, value, (value == value.long()) & (value >= 0)
                       & (value < self._num_events), f"IntegerInterval(0, {self._num_events - 1})")
        value, log_pmf = _broadcast_index(value.long().unsqueeze(-1), self.logits)
        return log_pmf.gather(-1, value).squeeze(-1)

    def entropy(self) -> Tensor:
        logits = self.logits.clamp(min=finfo(self.logits.dtype).min)
        return -(logits * self.probs).sum(-1)


def _broadcast_index(value: Tensor, logits: Tensor) -> tuple:
    """Broadcast (..., 1) class indices against (..., K) log-probabilities, as torch does."""
    batch = broadcast_shapes(value.shape[:-1], logits.shape[:-1])
    return value.expand(batch + (1,)), logits.expand(batch + (logits.shape[-1],))


class Bernoulli(Distribution):
    """torch.distributions.Bernoulli(probs=None, logits=None): 0/1 outcomes (floats)."""

    _params = ("probs",)

    def __init__(self, probs=None, logits=None, validate_args=None) -> None:
        if (probs is None) == (logits is None):
            raise ValueError("Bernoulli: either `probs` or `logits` must be specified, "
                             "but not both.")
        if probs is not None:
            (self.probs,) = _broadcast(probs)
            clamped = _clamp_probs(self.probs)
            self.logits = clamped.log() - (-clamped).log1p()
        else:
            (self.logits,) = _broadcast(logits)
            self.probs = self.logits.sigmoid()
        super().__init__(self.probs.shape)

    @property
    def mean(self) -> Tensor:
        return self.probs

    @property
    def mode(self) -> Tensor:
        return (self.probs >= 0.5).to(self.probs.dtype)

    @property
    def variance(self) -> Tensor:
        return self.probs * (1 - self.probs)

    def sample(self, sample_shape=()) -> Tensor:
        """0./1. draws of shape sample_shape + batch_shape."""
        with no_grad():
            probs = self.probs.expand(self._extended_shape(sample_shape))
            return creation.bernoulli(probs)

    def log_prob(self, value: Tensor) -> Tensor:
        _check_support(self, value, (value == 0) | (value == 1), "Boolean()")
        logits, value = _broadcast(self.logits, value)
        return value * logits - softplus(logits)

    def entropy(self) -> Tensor:
        return softplus(self.logits) - self.probs * self.logits


class Poisson(Distribution):
    """torch.distributions.Poisson(rate): counts with P(k) = rate**k exp(-rate) / k!."""

    _params = ("rate",)

    def __init__(self, rate, validate_args=None) -> None:
        (self.rate,) = _broadcast(rate)
        if not bool((self.rate >= 0).all()):
            raise ValueError(f"Expected parameter rate (Tensor of shape "
                             f"{tuple(self.rate.shape)}) of distribution Poisson to satisfy the "
                             f"constraint GreaterThanEq(lower_bound=0.0), but found invalid "
                             f"values:\n{self.rate!r}")
        super().__init__(self.rate.shape)

    @property
    def mean(self) -> Tensor:
        return self.rate

    @property
    def mode(self) -> Tensor:
        return self.rate.floor()

    @property
    def variance(self) -> Tensor:
        return self.rate

    def sample(self, sample_shape=()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        with no_grad():
            rate = np.broadcast_to(self.rate._data, shape)
            return _sampled(self.rate, rng_of(None).poisson(rate))

    def log_prob(self, value: Tensor) -> Tensor:
        _check_support(self, value, (value >= 0) & (value == value.floor()),
                       "IntegerGreaterThan(lower_bound=0)")
        return xlogy(value, self.rate) - self.rate - lgamma(value + 1)
