"""Damaged files: every truncation and many byte flips of a real checkpoint either still load or
raise one clear error (LoadError, or the weights-only refusal when a flip makes a global name
something else); never a KeyError/IndexError/struct.error, never a hang."""

import io
import pickle
import time

import numpy as np
import pytest

import autograd
from autograd.serialization import LoadError, load, save, save_native
from tests.helpers.torch_ref import torch

ALLOWED_ERRORS = (LoadError, pickle.UnpicklingError)


def _checkpoint_bytes(writer: str) -> bytes:
    buf = io.BytesIO()
    if writer in ("torch", "legacy"):
        if torch is None:
            pytest.skip("PyTorch not installed: torch-written file skipped")
        model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3))
        opt = torch.optim.Adam(model.parameters())
        model(torch.randn(2, 4)).sum().backward()
        opt.step()
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "epoch": 3}, buf,
                   _use_new_zipfile_serialization=writer == "torch")
    else:
        obj = {"w": autograd.randn(3, 4), "view": autograd.arange(6.0)[1:5], "n": [1, 2.5]}
        (save if writer == "ours" else save_native)(obj, buf)
    return buf.getvalue()


def _attempt(data: bytes) -> None:
    start = time.perf_counter()
    try:
        load(io.BytesIO(data))
    except ALLOWED_ERRORS:
        pass
    assert time.perf_counter() - start < 5, "a damaged file took too long to refuse"


@pytest.mark.parametrize("writer", ["torch", "legacy", "ours", "native"])
def test_every_truncation_gives_a_clear_error(writer):
    data = _checkpoint_bytes(writer)
    cuts = sorted(set(range(0, len(data), max(1, len(data) // 400))) | set(range(0, 64))
                  | set(range(len(data) - 64, len(data))))
    for cut in cuts:
        with pytest.raises(ALLOWED_ERRORS):
            load(io.BytesIO(data[:cut]))


@pytest.mark.parametrize("writer", ["torch", "legacy", "ours", "native"])
def test_byte_flips_load_or_give_a_clear_error(writer, rng):
    data = _checkpoint_bytes(writer)
    for position in rng.integers(0, len(data), size=400):
        damaged = bytearray(data)
        damaged[position] ^= int(rng.integers(1, 256))
        _attempt(bytes(damaged))


def test_flips_inside_the_pickle_record_give_a_clear_error():
    """The pickle itself damaged (CRC recomputed, so the unpickler really sees the bytes)."""
    import zipfile

    data = _checkpoint_bytes("ours")
    records = {n: zipfile.ZipFile(io.BytesIO(data)).read(n)
               for n in zipfile.ZipFile(io.BytesIO(data)).namelist()}
    pickled = records["archive/data.pkl"]
    rng = np.random.default_rng(1)
    for position in rng.integers(0, len(pickled), size=300):
        bad = bytearray(pickled)
        bad[position] ^= int(rng.integers(1, 256))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for name, raw in records.items():
                zf.writestr(name, bytes(bad) if name == "archive/data.pkl" else raw)
        _attempt(buf.getvalue())
