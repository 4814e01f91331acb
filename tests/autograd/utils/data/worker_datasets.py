"""Datasets for the worker tests, in a module of their own: 'spawn' and 'forkserver' workers
unpickle them by importing this module, which must stay light (no torch import)."""

import os
import random
import time

import numpy as np

import autograd
from autograd.utils import data as D


class Squares(D.Dataset):
    def __init__(self, n=12):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return autograd.tensor([float(i * i)]), i


class WhoLoads(D.Dataset):
    """Each item says which process loaded it and what that worker was told."""

    offset = 0

    def __len__(self):
        return 8

    def __getitem__(self, i):
        info = D.get_worker_info()
        return {"index": i, "pid": os.getpid(), "id": info.id, "num_workers": info.num_workers,
                "seed": info.seed, "offset": info.dataset.offset,
                "same_dataset": info.dataset is self, "random": random.random(),
                "numpy": float(np.random.rand()), "ours": float(autograd.rand(1).item()),
                "initial_seed": autograd.initial_seed()}


def set_offset(worker_id):
    D.get_worker_info().dataset.offset = 100 * (worker_id + 1)


class Range(D.IterableDataset):
    def __init__(self, start, end, shard=True):
        self.start, self.end, self.shard = start, end, shard

    def __iter__(self):
        info = D.get_worker_info()
        if info is None or not self.shard:
            return iter(range(self.start, self.end))
        per_worker = -(-(self.end - self.start) // info.num_workers)
        lo = self.start + info.id * per_worker
        return iter(range(lo, min(lo + per_worker, self.end)))


class Slow(D.Dataset):
    def __init__(self, n, seconds):
        self.n, self.seconds = n, seconds

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        time.sleep(self.seconds)
        return i


class FailsAt(D.Dataset):
    def __init__(self, bad, error):
        self.bad, self.error = bad, error

    def __len__(self):
        return 6

    def __getitem__(self, i):
        if i == self.bad:
            raise self.error
        return i


class TwoArgError(Exception):
    def __init__(self, a, b):
        super().__init__(a, b)
