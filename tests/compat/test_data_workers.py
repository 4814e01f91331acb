"""Data-loading idioms of popular training programs, run under torch and under the import swap:
the infinite loader of GPT-style trainers, worker processes with worker_init_fn and
get_worker_info, IterableDataset sharding (torch's documented recipes), DistributedSampler, and the
torch.utils.data submodule imports programs use."""

from tests.compat.harness import run_compat


def test_infinite_loader_of_gpt_style_trainers(tmp_path):
    run_compat("""
text = "hello world, this is a tiny corpus for a character model. " * 4

class CharDataset(torch.utils.data.Dataset):
    def __init__(self, data, block_size):
        chars = sorted(set(data))
        self.stoi = {ch: i for i, ch in enumerate(chars)}
        self.block_size = block_size
        self.data = data

    def __len__(self):
        return len(self.data) - self.block_size

    def __getitem__(self, idx):
        chunk = self.data[idx:idx + self.block_size + 1]
        dix = [self.stoi[s] for s in chunk]
        x = torch.tensor(dix[:-1], dtype=torch.long)
        y = torch.tensor(dix[1:], dtype=torch.long)
        return x, y

class InfiniteDataLoader:
    def __init__(self, dataset, **kwargs):
        train_sampler = torch.utils.data.RandomSampler(dataset, replacement=True,
                                                       num_samples=int(1e10))
        self.train_loader = DataLoader(dataset, sampler=train_sampler, **kwargs)
        self.data_iter = iter(self.train_loader)

    def next(self):
        try:
            batch = next(self.data_iter)
        except StopIteration:
            self.data_iter = iter(self.train_loader)
            batch = next(self.data_iter)
        return batch

import warnings
ds = CharDataset(text, block_size=8)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # pin_memory without an accelerator
    for workers in (0, 2):
        loader = InfiniteDataLoader(ds, batch_size=4, pin_memory=True, num_workers=workers)
        record("len", len(loader.train_loader))
        for step in range(5):
            x, y = loader.next()
            record("shapes", (tuple(x.shape), tuple(y.shape), x.dtype == torch.long))
            record("shifted", torch.equal(x[:, 1:], y[:, :-1]))
            record("in range", bool((x >= 0).all()) and int(x.max()) < len(ds.stoi))
del loader  # ends its workers now (torch's take 5 s each when a reference cycle collects them)

# minGPT's trainer loop over a finite sampler: restarts the iterator when it runs dry
sampler = torch.utils.data.RandomSampler(ds, replacement=True, num_samples=10)
train_loader = DataLoader(ds, sampler=sampler, shuffle=False, batch_size=4)
data_iter = iter(train_loader)
sizes = []
for it in range(7):
    try:
        batch = next(data_iter)
    except StopIteration:
        data_iter = iter(train_loader)
        batch = next(data_iter)
    sizes.append(batch[0].shape[0])
record("restarts", sizes)
""", tmp_path)


def test_workers_with_worker_init_fn_and_get_worker_info(tmp_path):
    run_compat("""
class Scaled(torch.utils.data.Dataset):
    def __init__(self):
        self.scale = 1.0

    def __len__(self):
        return 10

    def __getitem__(self, i):
        info = torch.utils.data.get_worker_info()
        if i == 99:
            raise ValueError(f"bad index {i}")
        return (torch.tensor([i * self.scale]), info.id, info.num_workers,
                info.seed - info.id, torch.initial_seed() == info.seed)

def init_fn(worker_id):
    info = torch.utils.data.get_worker_info()
    info.dataset.scale = 10.0 * (worker_id + 1)

record("main process", torch.utils.data.get_worker_info() is None)
loader = DataLoader(Scaled(), batch_size=3, num_workers=2, worker_init_fn=init_fn)
record("len", len(loader))
bases = set()
for x, wid, nw, base, seeded in loader:
    record("x", x)
    record("worker", wid)
    record("num_workers", nw)
    record("seeded", seeded)
    bases.update(base.tolist())
record("one base seed", len(bases))

# same batches, same order, as loading in the main process
torch.manual_seed(0)
serial = [b.tolist() for b in DataLoader(list(range(20)), batch_size=3, shuffle=True)]
torch.manual_seed(0)
parallel = [b.tolist() for b in DataLoader(list(range(20)), batch_size=3, shuffle=True,
                                           num_workers=2, prefetch_factor=4)]
record("same order", serial == parallel)

persistent = DataLoader(list(range(6)), batch_size=2, num_workers=2, persistent_workers=True)
for epoch in range(2):
    record("epoch", [b for b in persistent])
del persistent

class Faulty(torch.utils.data.Dataset):
    def __len__(self):
        return 6

    def __getitem__(self, i):
        if i == 4:
            raise ValueError(f"bad index {i}")
        return i

try:
    list(DataLoader(Faulty(), batch_size=2, num_workers=2))
except ValueError as e:
    lines = str(e).strip().splitlines()
    record("error head", lines[:2])
    record("error tail", lines[-1])
    # torch's re-raise leaves the iterator in a reference cycle: free it now, not in a later
    # garbage collection that waits 5 s per worker
    e.__traceback__ = None

try:
    DataLoader(Faulty(), prefetch_factor=2)
except ValueError as e:
    record("prefetch without workers", str(e))
""", tmp_path)


def test_sharded_iterable_dataset_recipes(tmp_path):
    run_compat("""
import math

class MyIterableDataset(torch.utils.data.IterableDataset):
    def __init__(self, start, end):
        super().__init__()
        assert end > start
        self.start = start
        self.end = end

    def __iter__(self):
        worker_info = torch.utils.data.get_worker_info()
        if worker_info is None:
            iter_start, iter_end = self.start, self.end
        else:
            per_worker = int(math.ceil((self.end - self.start) / float(worker_info.num_workers)))
            worker_id = worker_info.id
            iter_start = self.start + worker_id * per_worker
            iter_end = min(iter_start + per_worker, self.end)
        return iter(range(iter_start, iter_end))

ds = MyIterableDataset(start=3, end=7)
record("main process", list(DataLoader(ds, num_workers=0)))
record("two workers", list(DataLoader(ds, num_workers=2)))
record("batched", list(DataLoader(MyIterableDataset(0, 11), batch_size=3, num_workers=2)))
record("drop_last", list(DataLoader(MyIterableDataset(0, 11), batch_size=3, num_workers=2,
                                    drop_last=True)))

class RangeDataset(torch.utils.data.IterableDataset):
    def __init__(self, start, end):
        self.start, self.end = start, end

    def __iter__(self):
        return iter(range(self.start, self.end))

def worker_init_fn(worker_id):
    worker_info = torch.utils.data.get_worker_info()
    dataset = worker_info.dataset
    overall_start = dataset.start
    overall_end = dataset.end
    per_worker = int(math.ceil((overall_end - overall_start) / float(worker_info.num_workers)))
    worker_id = worker_info.id
    dataset.start = overall_start + worker_id * per_worker
    dataset.end = min(dataset.start + per_worker, overall_end)

ds = RangeDataset(start=3, end=7)
record("unsharded", sorted(int(t) for t in DataLoader(ds, num_workers=2)))
record("sharded by init_fn", list(DataLoader(ds, num_workers=2, worker_init_fn=worker_init_fn)))
record("main process untouched", (ds.start, ds.end))
chained = torch.utils.data.ChainDataset([RangeDataset(0, 3), RangeDataset(10, 12)])
record("chain", [b.tolist() for b in DataLoader(chained, batch_size=2)])
""", tmp_path)


def test_submodule_imports_and_distributed_sampler(tmp_path):
    run_compat("""
import importlib
data = torch.utils.data
dataloader = importlib.import_module(data.__name__ + ".dataloader")
dataset = importlib.import_module(data.__name__ + ".dataset")
sampler = importlib.import_module(data.__name__ + ".sampler")
distributed = importlib.import_module(data.__name__ + ".distributed")
collate = importlib.import_module(data.__name__ + "._utils.collate")
record("same objects", [dataloader.DataLoader is data.DataLoader,
                        dataset.TensorDataset is data.TensorDataset,
                        sampler.RandomSampler is data.RandomSampler,
                        distributed.DistributedSampler is data.DistributedSampler,
                        dataloader.default_collate is data.default_collate,
                        collate.default_collate is data.default_collate,
                        dataloader.get_worker_info is data.get_worker_info])

ds = TensorDataset(torch.arange(10).float(), torch.arange(10))
for rank in range(3):
    s = distributed.DistributedSampler(ds, num_replicas=3, rank=rank, shuffle=False)
    record("indices", list(s))
    record("len", len(s))
    loader = DataLoader(ds, batch_size=2, sampler=s)
    record("labels", [yb for _, yb in loader])
shares = []
for rank in range(2):
    s = distributed.DistributedSampler(ds, num_replicas=2, rank=rank, shuffle=True, seed=3,
                                       drop_last=True)
    s.set_epoch(1)
    shares.append(list(s))
record("shuffled partition", sorted(shares[0] + shares[1]))
big = sampler.RandomSampler(ds, replacement=True, num_samples=int(1e10))
record("huge sampler", (len(big), len(DataLoader(ds, sampler=big, batch_size=64))))
""", tmp_path)
