"""Continuous distributions: Normal, Uniform (rsample reparameterised), Exponential, Laplace,
Gamma, Beta. log_prob / entropy are Tensor expressions (lgamma and digamma are differentiable ops);
Gamma and Beta draw samples with numpy and have no rsample here."""

from __future__ import annotations

import math

import numpy as np

from .. import creation
from ..ops import digamma, lgamma, xlogy
from ..random import rng_of
from ..tensor import Tensor
from .base import (
    Distribution,
    _as_tensor,
    _broadcast,
    _check_positive,
    _check_support,
    _sampled,
)


class _LocationScale(Distribution):
    """A family shifted by ``loc`` and stretched by ``scale > 0``, symmetric about ``loc``."""

    _params = ("loc", "scale")
    has_rsample = True

    def __init__(self, loc, scale, validate_args=None) -> None:
        self.loc, self.scale = _broadcast(loc, scale)
        _check_positive("scale", type(self).__name__, self.scale)
        super().__init__(self.loc.shape)

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc


class Normal(_LocationScale):
    """torch.distributions.Normal(loc, scale): Gaussian with mean ``loc`` and std ``scale``."""

    @property
    def stddev(self) -> Tensor:
        return self.scale

    @property
    def variance(self) -> Tensor:
        return self.scale.pow(2)

    def rsample(self, sample_shape=()) -> Tensor:
        """loc + eps * scale with eps ~ N(0, 1): differentiable in loc and scale."""
        shape = self._extended_shape(sample_shape)
        eps = creation.randn(*shape, dtype=self.loc.dtype)
        return self.loc + eps * self.scale

    def log_prob(self, value) -> Tensor:
        value = _as_tensor(value, self.loc)
        return (-((value - self.loc) ** 2) / (2 * self.variance) - self.scale.log()
                - math.log(math.sqrt(2 * math.pi)))

    def entropy(self) -> Tensor:
        return 0.5 + 0.5 * math.log(2 * math.pi) + self.scale.log()

    def cdf(self, value) -> Tensor:
        value = _as_tensor(value, self.loc)
        return 0.5 * (1 + ((value - self.loc) / (self.scale * math.sqrt(2))).erf())


class Uniform(Distribution):
    """torch.distributions.Uniform(low, high): uniform on [low, high)."""

    _params = ("low", "high")
    has_rsample = True

    def __init__(self, low, high, validate_args=None) -> None:
        self.low, self.high = _broadcast(low, high)
        super().__init__(self.low.shape)

    @property
    def mean(self) -> Tensor:
        return (self.high + self.low) / 2

    @property
    def variance(self) -> Tensor:
        return (self.high - self.low).pow(2) / 12

    def rsample(self, sample_shape=()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        u = creation.rand(*shape, dtype=self.low.dtype)
        return self.low + u * (self.high - self.low)

    def log_prob(self, value) -> Tensor:
        value = _as_tensor(value, self.low)
        inside = (self.low <= value) & (self.high > value)
        _check_support(self, value, inside, "Interval(low, high)")
        return -(self.high - self.low).log().expand(inside.shape)

    def entropy(self) -> Tensor:
        return (self.high - self.low).log()


class Exponential(Distribution):
    """torch.distributions.Exponential(rate): density rate * exp(-rate * x) on x >= 0."""

    _params = ("rate",)
    has_rsample = True

    def __init__(self, rate, validate_args=None) -> None:
        (self.rate,) = _broadcast(rate)
        _check_positive("rate", "Exponential", self.rate)
        super().__init__(self.rate.shape)

    @property
    def mean(self) -> Tensor:
        return self.rate.reciprocal()

    @property
    def mode(self) -> Tensor:
        return self.rate * 0

    @property
    def variance(self) -> Tensor:
        return self.rate.pow(-2)

    def rsample(self, sample_shape=()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        draws = _sampled(self.rate, rng_of(None).standard_exponential(shape))
        return draws / self.rate

    def log_prob(self, value: Tensor) -> Tensor:
        _check_support(self, value, value >= 0, "GreaterThanEq(lower_bound=0.0)")
        return self.rate.log() - self.rate * value

    def entropy(self) -> Tensor:
        return 1.0 - self.rate.log()

    def cdf(self, value: Tensor) -> Tensor:
        return 1 - (-self.rate * value).exp()


class Laplace(_LocationScale):
    """torch.distributions.Laplace(loc, scale): density exp(-|x - loc| / scale) / (2 scale)."""

    @property
    def variance(self) -> Tensor:
        return 2 * self.scale.pow(2)

    def rsample(self, sample_shape=()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        eps = np.finfo(self.loc._data.dtype).eps
        u = _sampled(self.loc, rng_of(None).uniform(-1 + eps, 1, shape))
        return self.loc - self.scale * u.sign() * (-u.abs()).log1p()

    def log_prob(self, value: Tensor) -> Tensor:
        return -(2 * self.scale).log() - (value - self.loc).abs() / self.scale

    def entropy(self) -> Tensor:
        return 1 + (2 * self.scale).log()


class Gamma(Distribution):
    """torch.distributions.Gamma(concentration, rate): density
    rate**c x**(c-1) exp(-rate x) / Gamma(c) on x > 0 (samples without rsample here)."""

    _params = ("concentration", "rate")

    def __init__(self, concentration, rate, validate_args=None) -> None:
        self.concentration, self.rate = _broadcast(concentration, rate)
        _check_positive("concentration", "Gamma", self.concentration)
        _check_positive("rate", "Gamma", self.rate)
        super().__init__(self.concentration.shape)

    @property
    def mean(self) -> Tensor:
        return self.concentration / self.rate

    @property
    def mode(self) -> Tensor:
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self) -> Tensor:
        return self.concentration / self.rate.pow(2)

    def sample(self, sample_shape=()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        c = np.broadcast_to(self.concentration._data, shape)
        draws = rng_of(None).standard_gamma(c) / np.broadcast_to(self.rate._data, shape)
        tiny = np.finfo(self.rate._data.dtype).tiny
        return _sampled(self.rate, np.maximum(draws, tiny))

    def log_prob(self, value: Tensor) -> Tensor:
        _check_support(self, value, value > 0, "GreaterThan(lower_bound=0.0)")
        c, r = self.concentration, self.rate
        return xlogy(c, r) + xlogy(c - 1, value) - r * value - lgamma(c)

    def entropy(self) -> Tensor:
        c = self.concentration
        return c - self.rate.log() + lgamma(c) + (1.0 - c) * digamma(c)


class Beta(Distribution):
    """torch.distributions.Beta(concentration1, concentration0): density
    x**(a-1) (1-x)**(b-1) / B(a, b) on (0, 1) (samples without rsample here)."""

    _params = ("concentration1", "concentration0")

    def __init__(self, concentration1, concentration0, validate_args=None) -> None:
        self.concentration1, self.concentration0 = _broadcast(concentration1, concentration0)
        _check_positive("concentration1", "Beta", self.concentration1)
        _check_positive("concentration0", "Beta", self.concentration0)
        super().__init__(self.concentration1.shape)

    @property
    def mean(self) -> Tensor:
        return self.concentration1 / (self.concentration1 + self.concentration0)

    @property
    def variance(self) -> Tensor:
        total = self.concentration1 + self.concentration0
        return self.concentration1 * self.concentration0 / (total.pow(2) * (total + 1))

    def sample(self, sample_shape=()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        a = np.broadcast_to(self.concentration1._data, shape)
        b = np.broadcast_to(self.concentration0._data, shape)
        return _sampled(self.concentration1, rng_of(None).beta(a, b))

    def _log_beta(self) -> Tensor:
        a, b = self.concentration1, self.concentration0
        return lgamma(a) + lgamma(b) - lgamma(a + b)

    def log_prob(self, value: Tensor) -> Tensor:
        _check_support(self, value, (value >= 0) & (value <= 1), "Interval(lower_bound=0.0, "
                       "upper_bound=1.0)")
        a, b = self.concentration1, self.concentration0
        return xlogy(a - 1, value) + xlogy(b - 1, 1 - value) - self._log_beta()

    def entropy(self) -> Tensor:
        a, b = self.concentration1, self.concentration0
        return (self._log_beta() - (a - 1) * digamma(a) - (b - 1) * digamma(b)
                + (a + b - 2) * digamma(a + b))
