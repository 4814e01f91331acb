"""What runs inside a DataLoader worker process (torch.utils.data._utils.worker).

Each worker seeds Python's ``random``, the default generator and numpy's global generator from
``base_seed + worker_id`` as torch does, publishes ``get_worker_info()``, calls ``worker_init_fn``,
then serves ``(task_index, indices)`` from its index queue until it receives ``None``. Results go
back already pickled, so an unpicklable batch becomes an error in the main process, not a hang.
A worker whose parent process died stops on its own.
"""

from __future__ import annotations

import os
import pickle
import queue
import random
import sys
import traceback
from dataclasses import dataclass
from typing import Any

import numpy as np

from ....compat.switches import set_num_threads
from ....random import manual_seed
from .fetch import create_fetcher

__all__ = ["WorkerInfo", "get_worker_info"]

# how often (seconds) a waiting worker checks that its parent is alive, and the main process that
# its workers are
STATUS_CHECK_INTERVAL = 1.0


@dataclass(frozen=True)
class WorkerInfo:
    """What ``get_worker_info()`` returns inside a worker (torch WorkerInfo): ``id`` in
    [0, num_workers), ``num_workers``, ``seed`` (this worker's seed) and ``dataset`` (this
    process's copy of the dataset)."""

    id: int
    num_workers: int
    seed: int
    dataset: Any


_worker_info: WorkerInfo | None = None


def get_worker_info() -> WorkerInfo | None:
    """The current DataLoader worker's WorkerInfo, or None in the main process (torch
    get_worker_info). Use it in ``IterableDataset.__iter__`` or ``worker_init_fn`` to shard."""
    return _worker_info


class KeyErrorMessage(str):
    """A KeyError argument that prints as the text it is (KeyError shows the repr of its key)."""

    def __repr__(self) -> str:
        return self


class ExceptionWrapper:
    """An exception caught in a worker, carried to the main process as its type and formatted
    traceback, and raised there again by ``reraise`` (torch's ExceptionWrapper)."""

    def __init__(self, exc_info=None, where: str = "in background") -> None:
        exc_info = exc_info or sys.exc_info()
        self.exc_type = exc_info[0]
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        """Raise the exception's type with "Caught <Type> <where>.\\nOriginal Traceback ..."
        (a RuntimeError when that type cannot be built from one message)."""
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = KeyErrorMessage(msg)
        try:
            exception = self.exc_type(msg)
        except Exception:
            raise RuntimeError(msg) from None
        try:
            raise exception
        finally:
            # this frame would otherwise keep the exception, its traceback, the frames on it
            # and so the DataLoader iterator alive until a garbage collection
            del exception


@dataclass(frozen=True)
class _IterableDatasetStopIteration:
    """A worker's iterable dataset is exhausted: send it no more tasks."""

    worker_id: int


@dataclass(frozen=True)
class _ResumeIteration:
    """Start a new epoch with the same (persistent) worker: acknowledge and rebuild the fetcher."""


def _numpy_seed(base_seed: int, worker_id: int) -> list[int]:
    """numpy's global seed for a worker: four words from a SeedSequence over (worker_id, base
    seed), which is what torch's ``_generate_state`` computes, so numpy draws in a worker match
    torch's for the same base seed."""
    entropy = [worker_id, base_seed & 0xFFFFFFFF, base_seed >> 32, 0]
    return np.random.SeedSequence(entropy).generate_state(4).tolist()


def _seed_worker(base_seed: int, worker_id: int) -> int:
    seed = base_seed + worker_id
    random.seed(seed)
    manual_seed(seed)
    np.random.seed(_numpy_seed(base_seed, worker_id))
    return seed


def _dumps(message, worker_id: int) -> bytes:
    """``message`` pickled for the result queue; if it cannot be pickled, a pickled error."""
    try:
        return pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        error = ExceptionWrapper(where=f"in DataLoader worker process {worker_id}")
        try:
            return pickle.dumps((message[0], error), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # the exception type itself does not pickle
            error.exc_type = RuntimeError
            return pickle.dumps((message[0], error), protocol=pickle.HIGHEST_PROTOCOL)


def loads(payload: bytes):
    """A result-queue message, unpickled in the main process."""
    return pickle.loads(payload)


def _worker_loop(is_iterable: bool, dataset, index_queue, result_queue, done_event,
                 auto_collation: bool, collate_fn, drop_last: bool, base_seed: int, init_fn,
                 worker_id: int, num_workers: int) -> None:
    """The body of worker process ``worker_id`` (see the module docstring)."""
    global _worker_info
    parent = os.getppid()
    try:
        set_num_threads(1)
        seed = _seed_worker(base_seed, worker_id)
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed,
                                  dataset=dataset)
        where = f"in DataLoader worker process {worker_id}"
        init_error = fetcher = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = create_fetcher(is_iterable, dataset, auto_collation, collate_fn, drop_last)
        except Exception:
            init_error = ExceptionWrapper(where=where)
        ended = False
        while os.getppid() == parent:
            try:
                task = index_queue.get(timeout=STATUS_CHECK_INTERVAL)
            except queue.Empty:
                continue
            if task is None:
                break
            if isinstance(task, _ResumeIteration):
                ended = False
                try:
                    fetcher = create_fetcher(is_iterable, dataset, auto_collation, collate_fn,
                                             drop_last)
                except Exception:
                    init_error = ExceptionWrapper(where=where)
                result_queue.put(_dumps((task, None), worker_id))
                continue
            if done_event.is_set() or ended:
                continue  # shutting down, or nothing left to read: wait for None
            task_index, index = task
            if init_error is not None:
                data, init_error = init_error, None
            else:
                try:
                    data = fetcher.fetch(index)
                except StopIteration:
                    if not is_iterable:
                        data = ExceptionWrapper(where=where)
                    else:
                        data, ended = _IterableDatasetStopIteration(worker_id), True
                except Exception:
                    data = ExceptionWrapper(where=where)
            result_queue.put(_dumps((task_index, data), worker_id))
            del data, task, index
    except KeyboardInterrupt:
        pass  # the main process gets it too and shuts the workers down
    # nobody reads any more (shut down, or the parent died, maybe holding a shared lock): do not
    # block this process's exit on flushing results; the parent check goes first, it takes no lock
    if os.getppid() != parent or done_event.is_set():
        result_queue.cancel_join_thread()
        result_queue.close()
