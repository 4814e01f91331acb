"""torch.distributions' base class and the shared argument checks."""

from __future__ import annotations

import numpy as np

from .. import creation
from ..compat.type_info import finfo
from ..grad_mode import no_grad
from ..ops.shape import broadcast_shapes
from ..tensor import Tensor


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


def _sampled(like: Tensor, values: np.ndarray) -> Tensor:
    return Tensor._make(np.asarray(values, dtype=like._data.dtype), False, None)


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
