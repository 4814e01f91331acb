"""autograd.utils.data has torch.utils.data's submodules and public names, so imports written for
torch resolve after the swap; collation is extensible through collate_fn_map as in torch."""

import importlib

import numpy as np
import pytest

import autograd
from autograd.utils import data as D
from tests.helpers.torch_ref import need_torch

# torch names left out on purpose: the deprecated DataPipes (torchdata moved them out of torch)
DATAPIPE_NAMES = {"DFIterDataPipe", "DataChunk", "IterDataPipe", "MapDataPipe",
                  "functional_datapipe", "argument_validation", "runtime_validation",
                  "runtime_validation_disabled", "guaranteed_datapipes_determinism",
                  "non_deterministic", "_DatasetKind"}


def test_import_paths_like_torch():
    from autograd.utils.data import DataLoader, TensorDataset
    from autograd.utils.data._utils.collate import default_collate
    from autograd.utils.data.dataloader import DataLoader as DL
    from autograd.utils.data.dataloader import default_collate as dc
    from autograd.utils.data.dataloader import get_worker_info
    from autograd.utils.data.dataset import TensorDataset as TD
    from autograd.utils.data.distributed import DistributedSampler
    from autograd.utils.data.sampler import RandomSampler

    assert DL is DataLoader and TD is TensorDataset and dc is default_collate
    assert get_worker_info is D.get_worker_info and DistributedSampler is D.DistributedSampler
    assert RandomSampler is D.RandomSampler
    assert autograd.utils.data.dataloader.DataLoader is DataLoader


def test_every_public_torch_name_exists():
    torch = need_torch()
    import torch.utils.data as tud

    missing = sorted(set(tud.__all__) - DATAPIPE_NAMES - set(dir(D)))
    assert not missing
    for sub in ("dataset", "sampler", "distributed"):
        theirs = importlib.import_module(f"torch.utils.data.{sub}").__all__
        ours = importlib.import_module(f"autograd.utils.data.{sub}")
        assert not [n for n in theirs if not hasattr(ours, n)], sub
    collate_names = [n for n in dir(tud._utils.collate) if n.startswith(("collate", "default"))]
    assert not [n for n in collate_names if not hasattr(D._utils.collate, n)]
    assert torch is not None


def test_collate_fn_map_extends_default_collate_like_torch():
    class Box:
        def __init__(self, v):
            self.v = v

    def collate_box(batch, *, collate_fn_map=None):
        return [b.v for b in batch]

    from autograd.utils.data._utils.collate import collate, default_collate_fn_map

    fn_map = {**default_collate_fn_map, Box: collate_box}
    out = collate([(Box(1), np.float32(2)), (Box(3), np.float32(4))], collate_fn_map=fn_map)
    assert out[0] == [1, 3] and out[1].dtype == autograd.float32
    with pytest.raises(TypeError, match="default_collate: batch must contain"):
        D.default_collate([Box(1)])


def test_default_convert_matches_torch_on_structures():
    torch = need_torch()
    sample = {"x": np.arange(3), "pair": (np.float32(1), "s"), "n": 4}
    ours, theirs = D.default_convert(sample), torch.utils.data.default_convert(sample)
    assert type(ours["pair"]) is type(theirs["pair"]) is list
    assert ours["pair"][1] == "s" and ours["n"] == 4
    np.testing.assert_array_equal(ours["x"].numpy(), theirs["x"].numpy())
