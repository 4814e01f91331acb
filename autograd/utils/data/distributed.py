"""DistributedSampler: each of ``num_replicas`` processes reads its own share of a dataset
(torch.utils.data.distributed).

There is no process group here, so ``num_replicas`` and ``rank`` must be given explicitly (as in a
single CPU process simulating one replica, or a launcher that passes them in).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from ...random import Generator
from .dataset import Dataset
from .sampler import Sampler

__all__ = ["DistributedSampler"]


class DistributedSampler(Sampler[int]):
    """The indices for replica ``rank`` of ``num_replicas`` (torch DistributedSampler).

    The (optionally shuffled, seeded by ``seed + epoch``) index list is padded by repeating its
    start, or cut with ``drop_last``, to a multiple of ``num_replicas``; replica ``rank`` takes
    every ``num_replicas``-th index from position ``rank``. Call ``set_epoch`` each epoch so every
    replica shuffles the same new way.
    """

    def __init__(self, dataset: Dataset, num_replicas: int | None = None, rank: int | None = None,
                 shuffle: bool = True, seed: int = 0, drop_last: bool = False) -> None:
        if num_replicas is None or rank is None:
            raise ValueError("DistributedSampler: no default process group is initialized here; "
                             "pass num_replicas and rank explicitly")
        if rank >= num_replicas or rank < 0:
            raise ValueError(
                f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        n = len(dataset)
        if drop_last and n % num_replicas != 0:
            self.num_samples = math.ceil((n - num_replicas) / num_replicas)
        else:
            self.num_samples = math.ceil(n / num_replicas)
        self.total_size = self.num_samples * num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self) -> Iterator[int]:
        n = len(self.dataset)
        if self.shuffle:
            rng = Generator().manual_seed(self.seed + self.epoch).rng
            indices = rng.permutation(n).tolist()
        else:
            indices = list(range(n))
        if self.drop_last:
            indices = indices[:self.total_size]
        else:
            padding = self.total_size - len(indices)
            if padding > 0:
                indices += (indices * math.ceil(padding / len(indices)))[:padding]
        return iter(indices[self.rank:self.total_size:self.num_replicas])

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """Use ``seed + epoch`` for the next shuffle, the same on every replica (torch)."""
        self.epoch = epoch
