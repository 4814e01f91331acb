"""Samplers: the order in which a DataLoader reads a map-style dataset (torch.utils.data.sampler).

Every sampler is lazy in the number of samples: ``RandomSampler(data, replacement=True,
num_samples=int(1e10))`` draws 32 indices at a time (as torch does), so "infinite" loaders cost
nothing up front. Without a ``generator`` a sampler seeds a private one from the default generator
at the start of each epoch, so ``autograd.manual_seed`` makes the order reproducible.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Generic, TypeVar

import numpy as np

from ...random import Generator, rng_of
from ...tensor import Tensor

__all__ = ["BatchSampler", "RandomSampler", "Sampler", "SequentialSampler", "SubsetRandomSampler",
           "WeightedRandomSampler"]

T_co = TypeVar("T_co", covariant=True)

_CHUNK = 32  # indices drawn per call when sampling with replacement (torch's RandomSampler: 32)


def _random_int64(generator: Generator | None) -> int:
    """One non-negative int64 from ``generator`` (the default one if None), like torch's
    ``torch.empty((), dtype=torch.int64).random_(generator=g).item()``."""
    return int(rng_of(generator).integers(0, 2**63 - 1))


class Sampler(Generic[T_co]):
    """Yields dataset indices (or lists of them, for a batch sampler) (torch Sampler)."""

    def __init__(self, data_source: Any = None) -> None:
        pass

    def __iter__(self) -> Iterator[T_co]:
        raise NotImplementedError


class SequentialSampler(Sampler[int]):
    """Indices 0, 1, ..., len(data_source) - 1 (torch SequentialSampler)."""

    def __init__(self, data_source) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler[int]):
    """Random indices: permutations, or ``num_samples`` draws with replacement (torch).

    Without ``generator``, each epoch seeds a fresh generator from the default one (torch draws
    the seed the same way), so two epochs differ and ``manual_seed`` reproduces both.
    """

    def __init__(self, data_source, replacement: bool = False, num_samples: int | None = None,
                 generator: Generator | None = None) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(replacement, bool):
            raise TypeError(
                f"replacement should be a boolean value, but got replacement={replacement}")
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got "
                             f"num_samples={self.num_samples}")

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self) -> Iterator[int]:
        n = len(self.data_source)
        generator = self.generator
        if generator is None:
            generator = Generator().manual_seed(_random_int64(None))
        rng = generator.rng
        if self.replacement:
            for _ in range(self.num_samples // _CHUNK):
                yield from rng.integers(0, n, size=_CHUNK).tolist()
            yield from rng.integers(0, n, size=self.num_samples % _CHUNK).tolist()
            return
        for _ in range(self.num_samples // n):
            yield from rng.permutation(n).tolist()
        yield from rng.permutation(n)[:self.num_samples % n].tolist()

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler[int]):
    """The given indices in a random order, without replacement (torch SubsetRandomSampler)."""

    def __init__(self, indices: Sequence[int], generator: Generator | None = None) -> None:
        self.indices = indices
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        for i in rng_of(self.generator).permutation(len(self.indices)).tolist():
            yield self.indices[i]

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler[int]):
    """``num_samples`` indices drawn with probabilities proportional to ``weights`` (torch).

    With replacement the draws come lazily in chunks, so ``num_samples`` may be huge.
    """

    def __init__(self, weights: Sequence[float], num_samples: int, replacement: bool = True,
                 generator: Generator | None = None) -> None:
        if (not isinstance(num_samples, int) or isinstance(num_samples, bool)
                or num_samples <= 0):
            raise ValueError(f"num_samples should be a positive integer value, but got "
                             f"num_samples={num_samples}")
        if not isinstance(replacement, bool):
            raise ValueError(
                f"replacement should be a boolean value, but got replacement={replacement}")
        weights = np.asarray(weights._data if isinstance(weights, Tensor) else weights,
                             dtype=np.float64)
        if weights.ndim != 1:
            raise ValueError(f"weights should be a 1d sequence but given weights have shape "
                             f"{tuple(weights.shape)}")
        if np.any(weights < 0) or not np.all(np.isfinite(weights)) or weights.sum() <= 0:
            raise RuntimeError("WeightedRandomSampler: weights must be finite, non-negative and "
                               "not all zero")
        if not replacement and num_samples > np.count_nonzero(weights):
            raise RuntimeError("WeightedRandomSampler: cannot draw more samples than there are "
                               "non-zero weights without replacement")
        self.weights = Tensor._make(weights, False, None)
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        w = self.weights._data
        rng = rng_of(self.generator)
        if not self.replacement:
            yield from rng.choice(w.size, size=self.num_samples, replace=False,
                                  p=w / w.sum()).tolist()
            return
        cdf = np.cumsum(w)
        last = int(np.flatnonzero(w)[-1])  # where a draw rounded up to cdf[-1] belongs
        chunk = 4096
        for start in range(0, self.num_samples, chunk):
            u = rng.random(min(chunk, self.num_samples - start)) * cdf[-1]
            # side="right" never picks a zero-weight index (its cdf step is empty)
            yield from np.minimum(np.searchsorted(cdf, u, side="right"), last).tolist()

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler[list]):
    """Groups the indices of ``sampler`` into lists of ``batch_size`` (torch BatchSampler)."""

    def __init__(self, sampler: Sampler | Iterable[int], batch_size: int,
                 drop_last: bool) -> None:
        if (not isinstance(batch_size, int) or isinstance(batch_size, bool)
                or batch_size <= 0):
            raise ValueError(f"batch_size should be a positive integer value, but got "
                             f"batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(
                f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list[int]]:
        it = iter(self.sampler)
        while True:
            batch = list(itertools.islice(it, self.batch_size))
            if not batch or (self.drop_last and len(batch) < self.batch_size):
                return
            yield batch

    def __len__(self) -> int:
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size
