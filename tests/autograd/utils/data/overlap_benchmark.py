"""How much worker processes overlap slow item loading: 100 items that each sleep 20 ms (standing
in for decoding or augmentation), batches of 10, for several ``num_workers``.

    PYTHONPATH=$PWD python -m tests.autograd.utils.data.overlap_benchmark          # this library
    PYTHONPATH=$PWD python -m tests.autograd.utils.data.overlap_benchmark --torch  # under torch

Sleeping does not need a core, so even 4 workers on a 2-core machine speed it up; the tested
bound lives in test_workers.py::test_slow_items_overlap_across_workers.
"""

import sys
import time
import warnings

if "--torch" in sys.argv:
    import torch as lib
    from torch.utils.data import DataLoader, Dataset
else:
    import autograd as lib
    from autograd.utils.data import DataLoader, Dataset


class SlowItems(Dataset):
    def __len__(self):
        return 100

    def __getitem__(self, i):
        time.sleep(0.02)
        return lib.full((3, 8, 8), float(i))


def main() -> None:
    warnings.simplefilter("ignore")  # more workers than cores
    serial = None
    for workers in (0, 1, 2, 4):
        start = time.perf_counter()
        n = sum(len(b) for b in DataLoader(SlowItems(), batch_size=10, num_workers=workers))
        seconds = time.perf_counter() - start
        serial = serial or seconds
        print(f"{lib.__name__} num_workers={workers}: {seconds:.2f} s for {n} items "
              f"({seconds / serial:.2f}x of num_workers=0)")


if __name__ == "__main__":
    main()
