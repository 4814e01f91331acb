"""DataLoader worker processes (num_workers > 0), as torch.utils.data runs them: batch order,
worker info and seeds, iterable sharding, persistence, prefetching, timeouts, errors, shutdown,
start methods, and real overlap of slow item loading."""

import gc
import multiprocessing
import os
import pathlib
import random
import time

import numpy as np
import pytest

import autograd
from autograd.utils import data as D
from autograd.utils.data._utils import worker as W
from tests.autograd.utils.data.worker_datasets import (
    FailsAt,
    Range,
    Slow,
    Squares,
    TwoArgError,
    WhoLoads,
    set_offset,
)
from tests.helpers.torch_ref import need_torch


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _indices(loader):
    return [b if isinstance(b, int) else b.tolist() for b in loader]


# ---------------------------------------------------------------- order and data
@pytest.mark.filterwarnings("ignore:This DataLoader will create")
@pytest.mark.parametrize("workers", [1, 2, 3])
def test_batches_come_in_the_same_order_as_in_the_main_process(workers):
    X = autograd.randn(23, 3)
    ds = D.TensorDataset(X, autograd.arange(23))
    autograd.manual_seed(7)
    serial = [(xb.numpy(), yb.tolist()) for xb, yb in D.DataLoader(ds, 4, shuffle=True)]
    autograd.manual_seed(7)
    parallel = [(xb.numpy(), yb.tolist())
                for xb, yb in D.DataLoader(ds, 4, shuffle=True, num_workers=workers)]
    assert [y for _, y in parallel] == [y for _, y in serial]
    for (xa, _), (xb, _) in zip(parallel, serial):
        np.testing.assert_array_equal(xa, xb)
    assert sorted(v for _, y in serial for v in y) == list(range(23))


def test_custom_dataset_collate_and_unbatched_loading_in_workers():
    loader = D.DataLoader(Squares(7), batch_size=3, num_workers=2)
    batches = list(loader)
    assert [b[1].tolist() for b in batches] == [[0, 1, 2], [3, 4, 5], [6]]
    assert batches[1][0].tolist() == [[9.0], [16.0], [25.0]]
    assert batches[0][0].dtype == autograd.float32
    unbatched = list(D.DataLoader(Squares(4), batch_size=None, num_workers=2))
    assert [i for _, i in unbatched] == [0, 1, 2, 3]
    dropped = D.DataLoader(Squares(7), batch_size=3, num_workers=2, drop_last=True)
    assert [b[1].tolist() for b in dropped] == [[0, 1, 2], [3, 4, 5]] and len(dropped) == 2
    by_sampler = D.DataLoader(Squares(6), batch_size=2, sampler=[5, 3, 1, 0], num_workers=2)
    assert [b[1].tolist() for b in by_sampler] == [[5, 3], [1, 0]]
    by_batches = D.DataLoader(Squares(6), batch_sampler=[[4], [0, 2]], num_workers=2,
                              collate_fn=lambda b: [i for _, i in b])
    assert list(by_batches) == [[4], [0, 2]]


def test_tensors_keep_dtype_shape_and_values_across_processes():
    X = autograd.randn(6, 2, 3, dtype=autograd.float64)
    masks = autograd.arange(6) % 2 == 0
    loader = D.DataLoader(D.TensorDataset(X, masks), batch_size=6, num_workers=1)
    xb, mb = next(iter(loader))
    assert xb.dtype == autograd.float64 and mb.dtype == autograd.bool and xb.shape == (6, 2, 3)
    np.testing.assert_array_equal(xb.numpy(), X.numpy())


def test_in_order_false_still_returns_every_batch():
    loader = D.DataLoader(Slow(8, 0.0), batch_size=2, num_workers=2, in_order=False)
    assert sorted(v for b in loader for v in b.tolist()) == list(range(8))


# ---------------------------------------------------------------- worker info and seeds
def test_worker_info_worker_init_fn_and_per_worker_seeds():
    assert D.get_worker_info() is None
    autograd.manual_seed(3)
    items = [s for b in D.DataLoader(WhoLoads(), batch_size=2, num_workers=2,
                                     worker_init_fn=set_offset, collate_fn=lambda b: b)
             for s in b]
    assert [s["index"] for s in items] == list(range(8))
    # batch k goes to worker k % 2
    assert [s["id"] for s in items] == [0, 0, 1, 1, 0, 0, 1, 1]
    assert {s["num_workers"] for s in items} == {2} and all(s["same_dataset"] for s in items)
    assert [s["offset"] for s in items] == [100, 100, 200, 200, 100, 100, 200, 200]
    assert len({s["pid"] for s in items}) == 2 and os.getpid() not in {s["pid"] for s in items}
    assert WhoLoads.offset == 0  # the main process's dataset is untouched
    first = {s["id"]: s for s in reversed(items)}  # each worker's first item
    base_seed = first[0]["seed"]
    assert first[1]["seed"] == base_seed + 1
    for worker_id, s in first.items():
        seed = base_seed + worker_id
        assert s["initial_seed"] == seed
        assert s["random"] == random.Random(seed).random()
        saved = autograd.get_rng_state()
        autograd.manual_seed(seed)
        assert s["ours"] == float(autograd.rand(1).item())
        autograd.set_rng_state(saved)
        state = np.random.RandomState(W._numpy_seed(base_seed, worker_id))
        assert s["numpy"] == state.rand()
    autograd.manual_seed(3)
    again = [s for b in D.DataLoader(WhoLoads(), batch_size=2, num_workers=2,
                                     collate_fn=lambda b: b) for s in b]
    assert [s["seed"] for s in again] == [s["seed"] for s in items]  # base seed follows manual_seed


def test_numpy_seed_of_a_worker_is_torchs():
    need_torch()
    from torch.utils.data._utils.worker import _generate_state

    for base_seed, worker_id in [(0, 0), (1234567890123, 1), (2**63 - 2, 5)]:
        assert W._numpy_seed(base_seed, worker_id) == _generate_state(base_seed, worker_id)


def test_worker_info_is_read_only():
    info = W.WorkerInfo(id=0, num_workers=1, seed=1, dataset=None)
    with pytest.raises(AttributeError):
        info.id = 3


# ---------------------------------------------------------------- iterable datasets
def test_iterable_dataset_each_worker_gets_the_whole_stream_unless_it_shards():
    duplicated = sorted(v for b in D.DataLoader(Range(0, 5, shard=False), batch_size=2,
                                                num_workers=2) for v in b.tolist())
    assert duplicated == sorted(list(range(5)) * 2)
    sharded = _indices(D.DataLoader(Range(3, 10), batch_size=2, num_workers=2))
    # worker 0 reads 3..6, worker 1 reads 7..9; batches alternate between them
    assert sharded == [[3, 4], [7, 8], [5, 6], [9]]
    assert _indices(D.DataLoader(Range(3, 10), batch_size=None, num_workers=2)) == [
        3, 7, 4, 8, 5, 9, 6]


def test_iterable_sharding_matches_torch():
    torch = need_torch()

    class TorchRange(torch.utils.data.IterableDataset):
        def __iter__(self):
            info = torch.utils.data.get_worker_info()
            per_worker = -(-7 // info.num_workers)
            lo = 3 + info.id * per_worker
            return iter(range(lo, min(lo + per_worker, 10)))

    for batch_size, drop_last in [(2, False), (2, True), (3, False), (None, False)]:
        theirs = _indices(torch.utils.data.DataLoader(
            TorchRange(), batch_size=batch_size, drop_last=drop_last, num_workers=2))
        ours = _indices(D.DataLoader(Range(3, 10), batch_size=batch_size, drop_last=drop_last,
                                     num_workers=2))
        assert ours == theirs


def test_iterable_len_warning_when_more_samples_come_than_reported():
    class Liar(Range):
        def __len__(self):
            return 2

    loader = D.DataLoader(Liar(0, 4, shard=False), batch_size=None, num_workers=0)
    assert len(loader) == 2
    with pytest.warns(UserWarning, match="was reported to be 2"):
        list(loader)


# ---------------------------------------------------------------- persistence and prefetching
def test_persistent_workers_survive_epochs_and_keep_their_state():
    class Counting(D.Dataset):
        calls = 0

        def __len__(self):
            return 4

        def __getitem__(self, i):
            Counting.calls += 1  # the worker's copy counts across epochs
            return (os.getpid(), Counting.calls)

    loader = D.DataLoader(Counting(), batch_size=2, num_workers=2, persistent_workers=True,
                          collate_fn=lambda b: b)
    epochs = [list(loader) for _ in range(3)]
    pids = [{pid for batch in epoch for pid, _ in batch} for epoch in epochs]
    assert pids[0] == pids[1] == pids[2] and len(pids[0]) == 2
    assert [calls for batch in epochs[2] for _, calls in batch] == [5, 6, 5, 6]
    iterator = loader._iterator
    partial = iter(loader)
    assert partial is iterator
    next(partial)  # abandon this epoch after one batch: its other batch must not leak
    assert [[calls for _, calls in batch] for batch in loader] == [[9, 10], [9, 10]]
    workers = _worker_pids(iterator)
    del loader, partial, iterator
    gc.collect()
    assert not any(_alive(pid) for pid in workers)


def test_persistent_workers_restart_an_exhausted_iterable():
    loader = D.DataLoader(Range(0, 6), batch_size=2, num_workers=2, persistent_workers=True)
    assert _indices(loader) == [[0, 1], [3, 4], [2], [5]]
    assert _indices(loader) == [[0, 1], [3, 4], [2], [5]]


def test_prefetch_factor_bounds_the_batches_in_flight():
    counter = multiprocessing.get_context("fork").Value("i", 0)

    class Counted(D.Dataset):
        def __len__(self):
            return 40

        def __getitem__(self, i):
            with counter.get_lock():
                counter.value += 1
            return i

    for prefetch in (1, 3):
        counter.value = 0
        it = iter(D.DataLoader(Counted(), batch_size=1, num_workers=2, prefetch_factor=prefetch,
                               multiprocessing_context="fork"))
        next(it)
        time.sleep(0.3)
        # prefetch * workers tasks were handed out at the start, one more after each batch
        assert counter.value == prefetch * 2 + 1
        del it
    assert D.DataLoader(Counted(), num_workers=2).prefetch_factor == 2
    with pytest.raises(ValueError, match="prefetch_factor option could only be specified"):
        D.DataLoader(Counted(), prefetch_factor=2)
    with pytest.raises(ValueError, match="persistent_workers option needs num_workers > 0"):
        D.DataLoader(Counted(), persistent_workers=True)


# ---------------------------------------------------------------- timeout and errors
def test_timeout_raises_like_torch():
    loader = D.DataLoader(Slow(2, 3.0), num_workers=1, timeout=0.3)
    start = time.perf_counter()
    with pytest.raises(RuntimeError, match=r"DataLoader timed out after 0.3 seconds"):
        next(iter(loader))
    assert time.perf_counter() - start < 2.5
    with pytest.raises(ValueError, match="timeout option should be non-negative"):
        D.DataLoader(Slow(2, 0), timeout=-1)
    with pytest.raises(AssertionError, match="requires timeout == 0"):  # torch's too
        iter(D.DataLoader(Slow(2, 0), timeout=5))


def test_worker_exception_is_reraised_with_the_worker_traceback():
    with pytest.raises(ValueError) as caught:
        list(D.DataLoader(FailsAt(3, ValueError("bad sample 3")), num_workers=2))
    message = str(caught.value)
    assert message.startswith("Caught ValueError in DataLoader worker process 1.\n"
                              "Original Traceback (most recent call last):")
    assert "raise self.error" in message and "ValueError: bad sample 3" in message
    with pytest.raises(KeyError) as caught:
        list(D.DataLoader(FailsAt(0, KeyError("label")), num_workers=1))
    assert str(caught.value).startswith("Caught KeyError in DataLoader worker process 0.")
    with pytest.raises(RuntimeError, match="Caught TwoArgError in DataLoader worker process 0"):
        list(D.DataLoader(FailsAt(0, TwoArgError(1, 2)), num_workers=1))


def test_worker_init_fn_error_is_raised_on_the_first_batch():
    def broken_init(worker_id):
        raise OSError(f"cannot open shard {worker_id}")

    with pytest.raises(OSError, match="Caught OSError in DataLoader worker process 0"):
        list(D.DataLoader(Squares(4), num_workers=2, worker_init_fn=broken_init))


def test_an_unpicklable_batch_is_an_error_not_a_hang():
    loader = D.DataLoader(Squares(2), num_workers=1, collate_fn=lambda b: (lambda: b), timeout=20)
    with pytest.raises(Exception, match="in DataLoader worker process 0") as caught:
        next(iter(loader))
    assert "pickle" in str(caught.value).lower()


def test_a_worker_that_dies_is_reported():
    class Dies(D.Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            os._exit(3)

    with pytest.raises(RuntimeError, match=r"DataLoader worker \(pid\(s\) \d+\) exited "
                                           r"unexpectedly"):
        next(iter(D.DataLoader(Dies(), num_workers=1)))


# ---------------------------------------------------------------- shutdown
def _worker_pids(iterator):
    return [w.pid for w in iterator._workers]


def test_no_worker_survives_break_exception_or_garbage_collection():
    loader = D.DataLoader(Squares(40), batch_size=2, num_workers=2)
    iterator = iter(loader)
    pids = _worker_pids(iterator)
    assert all(_alive(p) for p in pids)
    for _ in iterator:
        break
    del iterator  # what leaving a `for` loop by break does to its iterator
    assert not any(_alive(p) for p in pids)

    pids = []
    with pytest.raises(ZeroDivisionError):
        for pid in D.DataLoader(Squares(40), batch_size=2, num_workers=2,
                                collate_fn=lambda b: os.getpid()):
            pids.append(pid)
            raise ZeroDivisionError
    assert pids and not any(_alive(p) for p in pids)

    iterator = iter(D.DataLoader(FailsAt(0, ValueError("x")), num_workers=2))
    pids = _worker_pids(iterator)
    with pytest.raises(ValueError):
        next(iterator)
    del iterator
    gc.collect()
    assert not any(_alive(p) for p in pids)

    iterator = iter(loader)
    pids = _worker_pids(iterator)
    list(iterator)  # exhausted: shut down at once, without waiting for collection
    assert not any(_alive(p) for p in pids)
    assert multiprocessing.active_children() == []


def test_an_iterator_collected_in_a_reference_cycle_stops_its_workers_at_once():
    class Holder:
        pass

    holder = Holder()
    holder.me = holder  # a cycle: only the garbage collector frees it
    holder.it = iter(D.DataLoader(Squares(40), batch_size=2, num_workers=2))
    next(holder.it)
    workers = list(holder.it._workers)
    del holder
    gc.collect()
    # the workers were told to exit (exit code 0), not terminated after a join timeout (-15)
    assert [w.exitcode for w in workers] == [0, 0]


def test_break_out_of_a_for_loop_leaves_no_worker():
    def first_batch_pid():
        for xb, _ in D.DataLoader(Squares(40), batch_size=2, num_workers=2,
                                  collate_fn=lambda b: (os.getpid(), b)):
            return xb
        raise AssertionError("no batch")

    pid = first_batch_pid()
    assert pid != os.getpid() and not _alive(pid)


def _running(pid):
    """Alive and not a zombie (an orphan's zombie waits for init to reap it)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _wait_gone(pids, seconds=5.0):
    deadline = time.monotonic() + seconds
    while any(_running(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not any(_running(p) for p in pids)


_EXIT_SCRIPT = """
import os, signal, sys
from autograd.utils import data as D
from tests.autograd.utils.data.worker_datasets import Squares
persistent = D.DataLoader(Squares(8), batch_size=2, num_workers=2, persistent_workers=True)
list(persistent)
half_done = iter(D.DataLoader(Squares(40), batch_size=2, num_workers=2))
next(half_done)
pids = [w.pid for w in persistent._iterator._workers + half_done._workers]
print(" ".join(map(str, pids)), flush=True)
if sys.argv[1] == "kill":
    os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc")
@pytest.mark.parametrize("how", ["exit", "kill"])
def test_no_worker_outlives_the_main_process(how):
    """Workers end with the interpreter, and on their own when the main process is killed."""
    import subprocess
    import sys

    root = str(pathlib.Path(__file__).resolve().parents[4])
    proc = subprocess.run([sys.executable, "-c", _EXIT_SCRIPT, how], capture_output=True,
                          text=True, timeout=60, cwd=root, env={**os.environ, "PYTHONPATH": root})
    pids = [int(p) for p in proc.stdout.split()]
    assert len(pids) == 4, proc.stderr
    assert _wait_gone(pids), [p for p in pids if _running(p)]
    if how == "exit":
        assert proc.returncode == 0 and "Error" not in proc.stderr, proc.stderr


# ---------------------------------------------------------------- start methods and options
@pytest.mark.parametrize("context", ["spawn", "forkserver", multiprocessing.get_context("fork")])
def test_multiprocessing_context(context):
    loader = D.DataLoader(WhoLoads(), batch_size=4, num_workers=2, multiprocessing_context=context,
                          worker_init_fn=set_offset)
    batches = list(loader)
    assert [b["index"].tolist() for b in batches] == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert [b["offset"].tolist() for b in batches] == [[100] * 4, [200] * 4]


def test_multiprocessing_context_is_validated_like_torch():
    with pytest.raises(ValueError, match="should specify a valid start method"):
        D.DataLoader(Squares(), num_workers=1, multiprocessing_context="thread")
    with pytest.raises(TypeError, match="should be a valid context object"):
        D.DataLoader(Squares(), num_workers=1, multiprocessing_context=3)
    with pytest.raises(ValueError, match="can only be used with multi-process loading"):
        D.DataLoader(Squares(), multiprocessing_context="fork")


def test_pin_memory_warns_and_changes_nothing_on_cpu():
    loader = D.DataLoader(Squares(4), batch_size=2, pin_memory=True)
    with pytest.warns(UserWarning, match="no accelerator is found"):
        batches = list(loader)
    assert [b[1].tolist() for b in batches] == [[0, 1], [2, 3]]


def test_loader_attributes_are_frozen_after_construction_like_torch():
    loader = D.DataLoader(Squares(4), batch_size=2)
    with pytest.raises(ValueError, match="batch_size attribute should not be set after "
                                         "DataLoader is initialized"):
        loader.batch_size = 3
    loader.num_workers = 1  # allowed in torch too
    assert [b[1].tolist() for b in loader] == [[0, 1], [2, 3]]


def test_too_many_workers_warns():
    with pytest.warns(UserWarning, match="excessive worker creation"):
        D.DataLoader(Squares(), num_workers=(os.cpu_count() or 1) * 4 + 1)


# ---------------------------------------------------------------- overlap
def test_slow_items_overlap_across_workers():
    """40 items sleeping 20 ms: 0.8 s in the main process, about half with two workers (bound
    kept generous for a loaded 2-core machine: under 0.8x of the serial time)."""
    ds = Slow(40, 0.02)
    start = time.perf_counter()
    assert sum(len(b) for b in D.DataLoader(ds, batch_size=4)) == 40
    serial = time.perf_counter() - start
    start = time.perf_counter()
    assert sum(len(b) for b in D.DataLoader(ds, batch_size=4, num_workers=2)) == 40
    parallel = time.perf_counter() - start
    assert parallel < 0.8 * serial, (serial, parallel)
