"""Datasets, samplers, collation and the DataLoader (torch.utils.data behaviour)."""

from collections import namedtuple

import numpy as np
import pytest

import autograd
from autograd.utils import data as D
from tests.helpers.torch_ref import need_torch


def _xy(n=10):
    X = autograd.arange(n * 3, dtype=autograd.float32).reshape(n, 3)
    y = autograd.arange(n)
    return X, y


# ---------------------------------------------------------------- datasets
def test_tensor_dataset_items_and_len():
    X, y = _xy()
    ds = D.TensorDataset(X, y)
    assert len(ds) == 10
    x4, y4 = ds[4]
    assert x4.tolist() == [12.0, 13.0, 14.0] and y4.item() == 4


def test_tensor_dataset_size_mismatch_is_refused():
    with pytest.raises(AssertionError, match="Size mismatch"):
        D.TensorDataset(autograd.zeros(3, 2), autograd.zeros(4))


def test_subset_and_concat_index_like_torch():
    X, y = _xy()
    ds = D.TensorDataset(X, y)
    sub = D.Subset(ds, [7, 2, 5])
    assert len(sub) == 3 and sub[1][1].item() == 2
    cat = D.ConcatDataset([sub, ds])
    assert len(cat) == 13 and cat.cumulative_sizes == [3, 13]
    assert cat[3][1].item() == 0 and cat[-1][1].item() == 9 and cat[2][1].item() == 5
    assert len(sub + ds) == 13
    with pytest.raises(ValueError, match="absolute value"):
        cat[-14]
    with pytest.raises(AssertionError, match="empty"):
        D.ConcatDataset([])


def test_random_split_lengths_and_fractions_match_torch():
    torch = need_torch()
    for n, fractions in [(10, [0.3, 0.3, 0.4]), (11, [0.5, 0.5]), (7, [0.2, 0.2, 0.6]),
                         (1797, [0.6, 0.2, 0.2])]:
        ours = [len(s) for s in D.random_split(range(n), fractions)]
        theirs = [len(s) for s in torch.utils.data.random_split(range(n), fractions)]
        assert ours == theirs


def test_random_split_is_a_partition_reproducible_with_a_generator():
    parts = D.random_split(range(20), [5, 15], generator=autograd.Generator().manual_seed(3))
    again = D.random_split(range(20), [5, 15], generator=autograd.Generator().manual_seed(3))
    assert [list(p) for p in parts] == [list(p) for p in again]
    assert sorted(list(parts[0]) + list(parts[1])) == list(range(20))
    with pytest.raises(ValueError, match="Sum of input lengths"):
        D.random_split(range(20), [5, 10])


def test_iterable_dataset_batches_with_drop_last_and_len():
    class Stream(D.IterableDataset):
        def __iter__(self):
            return iter(range(7))

        def __len__(self):
            return 7

    batches = [b.tolist() for b in D.DataLoader(Stream(), batch_size=3)]
    assert batches == [[0, 1, 2], [3, 4, 5], [6]]
    loader = D.DataLoader(Stream(), batch_size=3, drop_last=True)
    assert [b.tolist() for b in loader] == [[0, 1, 2], [3, 4, 5]] and len(loader) == 2
    with pytest.raises(ValueError, match="shuffle"):
        D.DataLoader(Stream(), shuffle=True)


# ---------------------------------------------------------------- samplers
def test_sequential_and_batch_sampler():
    assert list(D.SequentialSampler(range(4))) == [0, 1, 2, 3]
    assert list(D.BatchSampler(range(7), 3, False)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(D.BatchSampler(range(7), 3, True)) == [[0, 1, 2], [3, 4, 5]]
    assert len(D.BatchSampler(range(7), 3, False)) == 3
    assert len(D.BatchSampler(range(7), 3, True)) == 2
    with pytest.raises(ValueError, match="positive integer"):
        D.BatchSampler(range(7), 0, False)


def test_random_sampler_permutes_and_draws_with_replacement():
    g = autograd.Generator().manual_seed(0)
    perm = list(D.RandomSampler(range(10), generator=g))
    assert sorted(perm) == list(range(10)) and perm != list(range(10))
    many = list(D.RandomSampler(range(4), num_samples=10, generator=g))
    assert len(many) == 10 and sorted(many[:8]) == [0, 0, 1, 1, 2, 2, 3, 3]
    drawn = list(D.RandomSampler(range(3), replacement=True, num_samples=50, generator=g))
    assert len(drawn) == 50 and set(drawn) == {0, 1, 2}
    with pytest.raises(ValueError, match="num_samples"):
        D.RandomSampler(range(3), num_samples=0)


def test_subset_random_sampler_and_weighted_sampler():
    g = autograd.Generator().manual_seed(1)
    out = list(D.SubsetRandomSampler([10, 20, 30, 40], generator=g))
    assert sorted(out) == [10, 20, 30, 40]
    picks = list(D.WeightedRandomSampler([0.0, 1.0, 0.0, 3.0], 400, generator=g))
    counts = np.bincount(picks, minlength=4)
    assert counts[0] == 0 and counts[2] == 0 and 60 < counts[1] < 140
    no_repeat = list(D.WeightedRandomSampler([1, 1, 1, 1], 4, replacement=False, generator=g))
    assert sorted(no_repeat) == [0, 1, 2, 3]


# ---------------------------------------------------------------- collation
def test_default_collate_numbers_follow_torch_dtypes():
    torch = need_torch()
    from torch.utils.data import default_collate as torch_collate

    batches = [[1, 2, 3], [1.5, 2.5], [True, False], [np.float32(1.0), np.float32(2.0)],
               [np.int32(1), np.int32(2)], [np.zeros((2, 3), np.float32)] * 2,
               [np.zeros(2, np.int16)] * 3]
    for batch in batches:
        ours, theirs = D.default_collate(batch), torch_collate(batch)
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "autograd.")
        assert tuple(ours.shape) == tuple(theirs.shape)
    assert torch is not None


def test_default_collate_structures():
    Point = namedtuple("Point", "x y")
    batch = [{"a": autograd.ones(2), "b": (1, "s")}, {"a": autograd.zeros(2), "b": (2, "t")}]
    out = D.default_collate(batch)
    assert out["a"].shape == (2, 2) and out["b"][0].tolist() == [1, 2]
    assert out["b"][1] == ["s", "t"] and isinstance(out["b"], list)
    pts = D.default_collate([Point(1, 2.0), Point(3, 4.0)])
    assert isinstance(pts, Point) and pts.x.tolist() == [1, 3] and pts.y.dtype == autograd.float64
    with pytest.raises(RuntimeError, match="equal size"):
        D.default_collate([[1, 2], [1]])
    with pytest.raises(TypeError, match="default_collate"):
        D.default_collate([object(), object()])


def test_default_collate_refuses_unequal_tensors():
    with pytest.raises(RuntimeError, match="equal size"):
        D.default_collate([autograd.zeros(2), autograd.zeros(3)])


# ---------------------------------------------------------------- loader
def test_loader_keeps_order_and_covers_the_last_partial_batch():
    X, y = _xy(10)
    loader = D.DataLoader(D.TensorDataset(X, y), batch_size=4)
    batches = list(loader)
    assert len(loader) == 3 and [b[1].tolist() for b in batches] == [[0, 1, 2, 3], [4, 5, 6, 7],
                                                                     [8, 9]]
    assert isinstance(batches[0], list) and batches[0][0].shape == (4, 3)
    assert batches[0][0].dtype == autograd.float32


def test_loader_drop_last():
    X, y = _xy(10)
    loader = D.DataLoader(D.TensorDataset(X, y), batch_size=4, drop_last=True)
    assert len(loader) == 2 and [b[1].tolist() for b in loader] == [[0, 1, 2, 3], [4, 5, 6, 7]]


def test_loader_shuffle_is_reproducible_with_manual_seed_and_generator():
    X, y = _xy(50)
    ds = D.TensorDataset(X, y)

    def epoch(loader):
        return [v for b in loader for v in b[1].tolist()]

    autograd.manual_seed(5)
    first = epoch(D.DataLoader(ds, batch_size=8, shuffle=True))
    autograd.manual_seed(5)
    assert epoch(D.DataLoader(ds, batch_size=8, shuffle=True)) == first
    assert sorted(first) == list(range(50)) and first != list(range(50))
    loader = D.DataLoader(ds, batch_size=8, shuffle=True,
                          generator=autograd.Generator().manual_seed(2))
    assert epoch(loader) != epoch(loader)  # a new order every epoch
    again = D.DataLoader(ds, batch_size=8, shuffle=True,
                         generator=autograd.Generator().manual_seed(2))
    assert epoch(again) == epoch(D.DataLoader(ds, batch_size=8, shuffle=True,
                                              generator=autograd.Generator().manual_seed(2)))


def test_tensor_dataset_batches_are_gathered_with_one_index_per_tensor(monkeypatch):
    X, y = _xy(10)
    ds = D.TensorDataset(X, y)
    gathers = []
    gather = D.TensorDataset._gather
    monkeypatch.setattr(D.TensorDataset, "_gather",
                        lambda self, idx: gathers.append(len(idx)) or gather(self, idx))
    batches = list(D.DataLoader(ds, batch_size=5, shuffle=True))
    assert gathers == [5, 5]
    for xb, yb in batches:
        np.testing.assert_array_equal(xb.numpy(), X.numpy()[yb.numpy()])
    subset_batches = list(D.DataLoader(D.Subset(ds, [9, 3, 1]), batch_size=2))
    assert gathers == [5, 5, 2, 1] and subset_batches[0][1].tolist() == [9, 3]
    custom = list(D.DataLoader(ds, batch_size=5, collate_fn=lambda b: len(b)))
    assert custom == [5, 5] and gathers == [5, 5, 2, 1]


def test_tensor_dataset_subclass_item_override_is_honoured_like_torch():
    X, y = _xy(6)

    class Doubled(D.TensorDataset):
        def __getitem__(self, index):
            x, t = super().__getitem__(index)
            return x * 2, t

    xb, yb = next(iter(D.DataLoader(Doubled(X, y), batch_size=3)))
    np.testing.assert_array_equal(xb.numpy(), 2 * X.numpy()[:3])
    xs, _ = next(iter(D.DataLoader(D.Subset(Doubled(X, y), [5, 4]), batch_size=2)))
    np.testing.assert_array_equal(xs.numpy(), 2 * X.numpy()[[5, 4]])


def test_loader_with_samplers_and_custom_collate():
    X, y = _xy(6)
    ds = D.TensorDataset(X, y)
    by_sampler = D.DataLoader(ds, batch_size=2, sampler=[5, 4, 3, 2, 1, 0])
    assert [b[1].tolist() for b in by_sampler] == [[5, 4], [3, 2], [1, 0]]
    by_batches = D.DataLoader(ds, batch_sampler=[[0, 5], [1]])
    assert [b[1].tolist() for b in by_batches] == [[0, 5], [1]] and len(by_batches) == 2
    unbatched = list(D.DataLoader(ds, batch_size=None))
    assert len(unbatched) == 6 and unbatched[2][1].item() == 2
    with pytest.raises(ValueError, match="mutually exclusive"):
        D.DataLoader(ds, batch_sampler=[[0]], batch_size=2)
    with pytest.raises(ValueError, match="mutually exclusive with shuffle"):
        D.DataLoader(ds, sampler=[0, 1], shuffle=True)


def test_loader_worker_options_and_plain_sequences():
    with pytest.warns(UserWarning, match="pin_memory"):
        loader = D.DataLoader([(np.ones(2, np.float32), 1.5)] * 3, batch_size=2, num_workers=2,
                              pin_memory=True, persistent_workers=True)
        xb, yb = next(iter(loader))
    assert xb.dtype == autograd.float32 and yb.dtype == autograd.float64 and len(loader) == 2
    with pytest.raises(ValueError, match="num_workers"):
        D.DataLoader([1], num_workers=-1)


# ---------------------------------------------------------------- bundled data
def test_load_digits_splits_shapes_and_dtypes():
    X, y = D.load_digits("train")
    assert X.shape == (1078, 1, 8, 8) and X.dtype == autograd.float32 and y.dtype == autograd.int64
    assert 0.0 <= X.numpy().min() and X.numpy().max() == 1.0
    sizes = {s: len(D.load_digits(s)[1]) for s in ("train", "dev", "test", "all")}
    assert sizes == {"train": 1078, "dev": 359, "test": 360, "all": 1797}
    Xf, _ = D.load_digits("test", flatten=True)
    assert Xf.shape == (360, 64)
    assert np.all(np.bincount(D.load_digits("dev")[1].numpy()) >= 35)  # stratified
    assert isinstance(D.load_digits("dev", as_dataset=True), D.TensorDataset)
    with pytest.raises(ValueError, match="split"):
        D.load_digits("validation")


def test_load_digits_splits_partition_all_and_are_deterministic():
    def rows(split):
        X, y = D.load_digits(split, flatten=True)
        table = np.concatenate([X.numpy(), y.numpy()[:, None].astype(np.float32)], axis=1)
        return table[np.lexsort(table.T[::-1])]

    joined = np.concatenate([rows(s) for s in ("train", "dev", "test")])
    np.testing.assert_array_equal(joined[np.lexsort(joined.T[::-1])], rows("all"))
    np.testing.assert_array_equal(D.load_digits("train")[0].numpy(),
                                  D.load_digits("train")[0].numpy())


def test_text_corpus_is_plain_english():
    text = D.load_text_corpus()
    words = text.lower().split()
    assert len(text) > 5000 and "king" in words and "queen" in words


@pytest.mark.parametrize("n, batch_size, drop_last", [(10, 3, False), (10, 3, True), (9, 3, True),
                                                      (2, 5, False), (2, 5, True), (7, 1, False)])
def test_batches_and_len_match_torch_without_shuffle(n, batch_size, drop_last):
    torch = need_torch()
    X, y = _xy(n)
    ours = D.DataLoader(D.TensorDataset(X, y), batch_size=batch_size, drop_last=drop_last)
    theirs = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.from_numpy(X.numpy().copy()),
                                       torch.from_numpy(y.numpy().copy())),
        batch_size=batch_size, drop_last=drop_last)
    assert len(ours) == len(theirs)
    got, want = list(ours), list(theirs)
    assert len(got) == len(want)
    for (xa, ya), (xb, yb) in zip(got, want):
        np.testing.assert_array_equal(xa.numpy(), xb.numpy())
        np.testing.assert_array_equal(ya.numpy(), yb.numpy())
