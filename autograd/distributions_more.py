"""More of torch.distributions: Exponential, Laplace, Poisson, Gamma, Beta and Independent.

log_prob / entropy / moments are Tensor expressions (lgamma and digamma are differentiable
ops), so they backpropagate into the parameters; Gamma, Beta and Poisson draw samples with numpy
and have no rsample here.
"""

from __future__ import annotations

import numpy as np

from .distributions import Distribution, _broadcast, _check_positive, _check_support
from .grad_mode import no_grad
from .ops import digamma, lgamma, xlogy
from .random import rng_of
from .tensor import Tensor


def _sampled(like: Tensor, values: np.ndarray) -> Tensor:
    return Tensor._make(np.asarray(values, dtype=like._data.dtype), False, None)


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


class Laplace(Distribution):
    """torch.distributions.Laplace(loc, scale): density exp(-|x - loc| / scale) / (2 scale)."""

    _params = ("loc", "scale")
    has_rsample = True

    def __init__(self, loc, scale, validate_args=None) -> None:
        self.loc, self.scale = _broadcast(loc, scale)
        _check_positive("scale", "Laplace", self.scale)
        super().__init__(self.loc.shape)

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc

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


class Independent(Distribution):
    """torch.distributions.Independent(base, n): the base's last n batch dims become event dims
    (log_prob and entropy sum over them)."""

    def __init__(self, base_distribution: Distribution, reinterpreted_batch_ndims: int,
                 validate_args=None) -> None:
        n = reinterpreted_batch_ndims
        if n > len(base_distribution.batch_shape):
            raise ValueError(f"Expected reinterpreted_batch_ndims <= "
                             f"len(base_distribution.batch_shape), actual {n} vs "
                             f"{len(base_distribution.batch_shape)}")
        self.base_dist = base_distribution
        self.reinterpreted_batch_ndims = n
        shape = base_distribution.batch_shape
        split = len(shape) - n
        super().__init__(shape[:split], shape[split:] + base_distribution.event_shape)

    @property
    def has_rsample(self) -> bool:
        return self.base_dist.has_rsample

    @property
    def mean(self) -> Tensor:
        return self.base_dist.mean

    @property
    def variance(self) -> Tensor:
        return self.base_dist.variance

    def sample(self, sample_shape=()) -> Tensor:
        return self.base_dist.sample(sample_shape)

    def rsample(self, sample_shape=()) -> Tensor:
        return self.base_dist.rsample(sample_shape)

    def _sum_event(self, value: Tensor) -> Tensor:
        n = self.reinterpreted_batch_ndims
        return value.sum(tuple(range(-n, 0))) if n else value

    def log_prob(self, value: Tensor) -> Tensor:
        return self._sum_event(self.base_dist.log_prob(value))

    def entropy(self) -> Tensor:
        return self._sum_event(self.base_dist.entropy())

    def __repr__(self) -> str:
        return f"Independent({self.base_dist!r}, {self.reinterpreted_batch_ndims})"


__all__ = ["Exponential", "Laplace", "Poisson", "Gamma", "Beta", "Independent"]
