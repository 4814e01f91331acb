"""torch.distributions, the common part: Categorical, Bernoulli, Normal, Uniform and
kl_divergence between two of a kind. log_prob, entropy and rsample are Tensor expressions, so
policy-gradient losses and reparameterised VAEs backpropagate through them."""

from __future__ import annotations

import math

from . import creation
from .compat.type_info import finfo
from .grad_mode import no_grad
from .ops.activation import softplus
from .ops.shape import broadcast_shapes
from .tensor import Tensor


def _as_tensor(value, like: Tensor | None = None) -> Tensor:
    if isinstance(value, Tensor):
        return value
    dtype = like.dtype if like is not None else None
    return creation.tensor(float(value), dtype=dtype)


def _broadcast(*values) -> list:
    """Tensors of one common shape (Python numbers become tensors of the others' dtype)."""
    like = next((v for v in values if isinstance(v, Tensor)), None)
    tensors = [_as_tensor(v, like) for v in values]
    shape = broadcast_shapes(*(t.shape for t in tensors))
    return [t.expand(shape) for t in tensors]


def _check_support(dist: Distribution, value: Tensor, inside: Tensor, support: str) -> None:
    """torch's default argument validation: log_prob of a value outside the support is an error."""
    if not bool(inside.all()):
        raise ValueError(f"Expected value argument (Tensor of shape {tuple(value.shape)}) to be "
                         f"within the support ({support}) of the distribution {dist!r}, but "
                         f"found invalid values:\n{value!r}")


def _check_positive(name: str, dist_name: str, value: Tensor) -> None:
    if not bool((value > 0).all()):
        raise ValueError(f"Expected parameter {name} (Tensor of shape {tuple(value.shape)}) of "
                         f"distribution {dist_name} to satisfy the constraint GreaterThan("
                         f"lower_bound=0.0), but found invalid values:\n{value!r}")


def _clamp_probs(probs: Tensor) -> Tensor:
    eps = finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


class Distribution:
    """Base of the distributions (torch.distributions.Distribution): shapes and sample()."""

    has_rsample = False

    def __init__(self, batch_shape: tuple = (), event_shape: tuple = ()) -> None:
        self.batch_shape = tuple(batch_shape)
        self.event_shape = tuple(event_shape)

    def _extended_shape(self, sample_shape=()) -> tuple:
        return tuple(sample_shape) + self.batch_shape + self.event_shape

    def sample(self, sample_shape=()) -> Tensor:
        """A sample (no gradient); rsample where the distribution has one."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape=()) -> Tensor:
        raise NotImplementedError(
            f"{type(self).__name__} has no reparameterised sample (rsample); use sample()")

    @property
    def stddev(self) -> Tensor:
        return self.variance.sqrt()

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}: {getattr(self, name).shape}" for name in self._params)
        return f"{type(self).__name__}({fields})"


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


class Normal(Distribution):
    """torch.distributions.Normal(loc, scale): Gaussian with mean ``loc`` and std ``scale``."""

    _params = ("loc", "scale")
    has_rsample = True

    def __init__(self, loc, scale, validate_args=None) -> None:
        self.loc, self.scale = _broadcast(loc, scale)
        _check_positive("scale", "Normal", self.scale)
        super().__init__(self.loc.shape)

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc

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


# the less common families live beside this file (they need lgamma/digamma)
from .distributions_more import Beta, Exponential, Gamma, Independent, Laplace, Poisson  # noqa: E402, F401
