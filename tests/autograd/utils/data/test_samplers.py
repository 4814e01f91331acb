"""Samplers are lazy in the number of samples (the "infinite DataLoader" idiom), consume the
random stream like torch's, and DistributedSampler splits a dataset as torch's does."""

import itertools
import time

import numpy as np
import pytest

import autograd
from autograd.utils import data as D
from tests.helpers.torch_ref import need_torch

HUGE = int(1e10)


def test_random_sampler_with_replacement_draws_lazily_in_chunks_of_32():
    g = autograd.Generator().manual_seed(4)
    sampler = D.RandomSampler(range(10), replacement=True, num_samples=HUGE, generator=g)
    assert len(sampler) == HUGE
    start = time.perf_counter()
    first = list(itertools.islice(iter(sampler), 40))
    assert time.perf_counter() - start < 1.0
    reference = autograd.Generator().manual_seed(4).rng
    expected = reference.integers(0, 10, 32).tolist() + reference.integers(0, 10, 32).tolist()
    assert first == expected[:40]
    # two chunks were drawn for 40 indices, no more: the generators are in step
    assert g.rng.random() == reference.random()


def test_random_sampler_without_replacement_is_lazy_per_permutation():
    sampler = D.RandomSampler(range(5), num_samples=HUGE, generator=autograd.Generator())
    head = list(itertools.islice(iter(sampler), 12))
    assert sorted(head[:5]) == sorted(head[5:10]) == list(range(5))
    assert len(sampler) == HUGE


def test_infinite_loader_idiom():
    X = autograd.arange(20, dtype=autograd.float32).reshape(10, 2)
    ds = D.TensorDataset(X, autograd.arange(10))
    sampler = D.RandomSampler(ds, replacement=True, num_samples=HUGE)
    loader = D.DataLoader(ds, sampler=sampler, batch_size=4)
    assert len(loader) == HUGE // 4
    it = iter(loader)
    for _ in range(30):
        xb, yb = next(it)
        assert xb.shape == (4, 2) and 0 <= yb.min().item() and yb.max().item() < 10
        np.testing.assert_array_equal(xb.numpy()[:, 0], 2 * yb.numpy())


def test_infinite_loader_with_workers_stops_cleanly():
    loader = D.DataLoader(list(range(10)), batch_size=4, num_workers=2,
                          sampler=D.RandomSampler(range(10), replacement=True, num_samples=HUGE))
    batches = list(itertools.islice(loader, 6))
    assert [len(b) for b in batches] == [4] * 6


def test_shuffle_order_follows_manual_seed_and_does_not_depend_on_workers():
    ds = list(range(30))
    autograd.manual_seed(11)
    a = [v for b in D.DataLoader(ds, batch_size=7, shuffle=True) for v in b.tolist()]
    autograd.manual_seed(11)
    b = [v for b in D.DataLoader(ds, batch_size=7, shuffle=True, num_workers=2)
         for v in b.tolist()]
    autograd.manual_seed(12)
    c = [v for b in D.DataLoader(ds, batch_size=7, shuffle=True) for v in b.tolist()]
    assert a == b and a != c and sorted(a) == ds


def test_loader_generator_feeds_sampler_and_worker_base_seed():
    ds = list(range(16))
    orders = [[v for b in D.DataLoader(ds, batch_size=4, shuffle=True,
                                       generator=autograd.Generator().manual_seed(9))
               for v in b.tolist()] for _ in range(2)]
    assert orders[0] == orders[1]
    autograd.manual_seed(0)
    before = autograd.rand(3).tolist()
    autograd.manual_seed(0)
    list(D.DataLoader(ds, batch_size=4, shuffle=True,
                      generator=autograd.Generator().manual_seed(9)))
    assert autograd.rand(3).tolist() == before  # the global stream is untouched


def test_subset_and_weighted_samplers_draw_from_the_given_generator():
    g = autograd.Generator().manual_seed(1)
    out = list(D.SubsetRandomSampler([10, 20, 30, 40], generator=g))
    assert out == [[10, 20, 30, 40][i] for i in
                   autograd.Generator().manual_seed(1).rng.permutation(4)]
    weighted = D.WeightedRandomSampler([0.0, 1.0, 0.0, 3.0], HUGE)
    head = list(itertools.islice(iter(weighted), 4000))
    counts = np.bincount(head, minlength=4)
    assert len(weighted) == HUGE and counts[0] == counts[2] == 0
    assert 0.2 < counts[1] / counts[3] < 0.45


def test_weighted_sampler_matches_torch_distribution_shape():
    torch = need_torch()
    weights = [0.1, 0.2, 0.7]
    ours = np.bincount(list(D.WeightedRandomSampler(weights, 20000)), minlength=3) / 20000
    theirs = np.bincount(list(torch.utils.data.WeightedRandomSampler(weights, 20000)),
                         minlength=3) / 20000
    np.testing.assert_allclose(ours, theirs, atol=0.02)


# ---------------------------------------------------------------- DistributedSampler
@pytest.mark.parametrize("n, replicas, drop_last", [(10, 3, False), (10, 3, True), (2, 5, False),
                                                    (12, 4, False), (11, 4, True), (7, 2, False)])
def test_distributed_sampler_without_shuffle_matches_torch(n, replicas, drop_last):
    torch = need_torch()
    for rank in range(replicas):
        ours = D.DistributedSampler(range(n), num_replicas=replicas, rank=rank, shuffle=False,
                                    drop_last=drop_last)
        theirs = torch.utils.data.DistributedSampler(range(n), num_replicas=replicas, rank=rank,
                                                     shuffle=False, drop_last=drop_last)
        assert list(ours) == list(theirs) and len(ours) == len(theirs)
        assert ours.total_size == theirs.total_size


def test_distributed_sampler_shuffles_the_same_way_on_every_replica_per_epoch():
    def shares(epoch, seed=0):
        samplers = [D.DistributedSampler(range(10), num_replicas=2, rank=r, seed=seed)
                    for r in range(2)]
        for s in samplers:
            s.set_epoch(epoch)
        return [list(s) for s in samplers]

    first = shares(0)
    assert sorted(first[0] + first[1]) == list(range(10))  # a partition
    assert shares(0) == first and shares(1) != first and shares(0, seed=5) != first
    assert first[0] + first[1] != list(range(10))


def test_distributed_sampler_in_a_loader_and_errors():
    ds = D.TensorDataset(autograd.arange(9))
    sampler = D.DistributedSampler(ds, num_replicas=2, rank=1, shuffle=False)
    loader = D.DataLoader(ds, batch_size=2, sampler=sampler)
    assert [b[0].tolist() for b in loader] == [[1, 3], [5, 7], [0]]
    with pytest.raises(ValueError, match=r"Invalid rank 2, rank should be in the interval"):
        D.DistributedSampler(ds, num_replicas=2, rank=2)
    with pytest.raises(ValueError, match="process group"):
        D.DistributedSampler(ds)


# ---------------------------------------------------------------- worker base seed

def test_loading_draws_nothing_beyond_the_sampler():
    """The workers' base seed comes from a copy of the generator, so the random stream (and with
    it every shuffle and model init) is the same for any num_workers, and as before workers."""
    autograd.manual_seed(0)
    expected = autograd.rand(4).tolist()
    for workers in (0, 2):
        autograd.manual_seed(0)
        list(D.DataLoader(list(range(6)), batch_size=2, num_workers=workers))
        assert autograd.rand(4).tolist() == expected


def test_worker_base_seed_is_new_every_epoch_and_follows_manual_seed():
    def seed_of(_):
        return D.get_worker_info().seed

    autograd.manual_seed(5)
    loader = D.DataLoader(list(range(2)), batch_size=None, num_workers=1,
                          collate_fn=seed_of)
    first, second = list(loader), list(loader)
    assert first != second  # nothing else drew between the epochs: still new seeds
    autograd.manual_seed(5)
    again = D.DataLoader(list(range(2)), batch_size=None, num_workers=1, collate_fn=seed_of)
    assert list(again) == first
    from autograd.utils.data.dataloader import _worker_base_seed

    base = _worker_base_seed(autograd.Generator().manual_seed(1))
    # not the seed a RandomSampler draws from the same state: worker 0 must not replay its stream
    assert base != int(autograd.Generator().manual_seed(1).rng.integers(0, 2**63 - 1))
