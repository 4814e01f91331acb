"""Fetchers: turn one index (or one list of indices) from the sampler into a batch, the same way
in the main process and in a worker (torch.utils.data._utils.fetch)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..dataset import _can_gather
from .collate import default_collate


class _MapDatasetFetcher:
    """Reads ``dataset[i]`` for each index (or ``dataset.__getitems__(indices)``) and collates.

    A TensorDataset (or a Subset of one) under ``default_collate`` is gathered with one fancy
    index per tensor instead: the same batch, without building and stacking per-sample items.
    """

    def __init__(self, dataset, auto_collation: bool, collate_fn: Callable,
                 drop_last: bool) -> None:
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last
        self._gather = auto_collation and collate_fn is default_collate and _can_gather(dataset)
        getitems = getattr(dataset, "__getitems__", None)
        self._getitems = getitems if callable(getitems) else None

    def fetch(self, index) -> Any:
        if not self.auto_collation:
            return self.collate_fn(self.dataset[index])
        if self._gather:
            return self.dataset._gather(np.asarray(index, dtype=np.int64))
        if self._getitems is not None:
            return self.collate_fn(self._getitems(list(index)))
        return self.collate_fn([self.dataset[i] for i in index])


class _IterableDatasetFetcher:
    """Pulls ``len(index)`` samples (one without batching) from ``iter(dataset)`` and collates;
    raises StopIteration once the stream is exhausted (or only a short batch is left under
    ``drop_last``)."""

    def __init__(self, dataset, auto_collation: bool, collate_fn: Callable,
                 drop_last: bool) -> None:
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last
        self.dataset_iter = iter(dataset)
        self.ended = False

    def fetch(self, index) -> Any:
        if self.ended:
            raise StopIteration
        if not self.auto_collation:
            return self.collate_fn(next(self.dataset_iter))
        batch = []
        for _ in index:
            try:
                batch.append(next(self.dataset_iter))
            except StopIteration:
                self.ended = True
                break
        if not batch or (self.drop_last and len(batch) < len(index)):
            raise StopIteration
        return self.collate_fn(batch)


def create_fetcher(is_iterable: bool, dataset, auto_collation: bool, collate_fn: Callable,
                   drop_last: bool):
    """The fetcher for this kind of dataset (torch's _DatasetKind.create_fetcher)."""
    kind = _IterableDatasetFetcher if is_iterable else _MapDatasetFetcher
    return kind(dataset, auto_collation, collate_fn, drop_last)
