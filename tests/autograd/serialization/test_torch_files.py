"""PyTorch's .pt files both ways: what torch.save writes loads here (values, dtypes, views, shared
storages, Parameters, map_location, mmap) and what save writes loads in
torch.load(weights_only=True)."""

import io
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

import autograd
import nn
import optim
from autograd import serialization
from autograd.serialization import LoadError, WeightsOnlyError, load, save, torch_format
from tests.helpers.torch_ref import need_torch


def _torch_bytes(obj, **kwargs) -> bytes:
    torch = need_torch()
    buf = io.BytesIO()
    torch.save(obj, buf, **kwargs)
    return buf.getvalue()


def _our_bytes(obj, **kwargs) -> bytes:
    buf = io.BytesIO()
    save(obj, buf, **kwargs)
    return buf.getvalue()


def _torch_load(data: bytes, **kwargs):
    torch = need_torch()
    return torch.load(io.BytesIO(data), weights_only=True, **kwargs)


def _same(ours, theirs):
    """Our loaded value equals torch's, tensors by dtype name, shape and values."""
    torch = need_torch()
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, autograd.Tensor), type(ours)
        assert ours.dtype.name == str(theirs.dtype).replace("torch.", ""), (ours.dtype,
                                                                             theirs.dtype)
        assert tuple(ours.shape) == tuple(theirs.shape)
        np.testing.assert_array_equal(np.asarray(ours.detach().numpy(), np.float64)
                                      if theirs.dtype == torch.bfloat16 else
                                      ours.detach().numpy(),
                                      theirs.detach().float().numpy()
                                      if theirs.dtype == torch.bfloat16 else
                                      theirs.detach().numpy())
        assert ours.requires_grad == theirs.requires_grad
    elif isinstance(theirs, dict):
        assert type(ours) is type(theirs) and list(ours) == list(theirs)
        for k in theirs:
            _same(ours[k], theirs[k])
    elif isinstance(theirs, (list, tuple)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            _same(a, b)
    else:
        assert ours == theirs and type(ours) is type(theirs)


DTYPES = ["float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8",
          "uint8", "bool", "complex64", "uint16"]


@pytest.mark.parametrize("dtype", DTYPES)
def test_tensor_of_each_dtype_written_by_torch_loads(dtype):
    torch = need_torch()
    t = (torch.arange(-3, 9).reshape(3, 4) % 5).to(getattr(torch, dtype))
    back = load(io.BytesIO(_torch_bytes(t)))
    _same(back, t)


@pytest.mark.parametrize("dtype", DTYPES)
def test_tensor_of_each_dtype_written_here_loads_in_torch(dtype):
    if torch_format.numpy_dtype(dtype) is None:
        pytest.skip(f"numpy cannot hold {dtype} here (ml_dtypes not installed)")
    t = autograd.tensor(np.arange(-3, 9).reshape(3, 4) % 5).to(torch_format.numpy_dtype(dtype))
    _same(t, _torch_load(_our_bytes(t)))


def test_torch_state_dict_loads_and_the_model_gives_torch_outputs():
    torch = need_torch()
    torch.manual_seed(0)
    ref = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2),
                              torch.nn.ReLU(), torch.nn.Flatten(), torch.nn.Linear(8, 3))
    ref(torch.randn(4, 1, 4, 4))  # running stats move away from their initial values
    ref.eval()
    state = load(io.BytesIO(_torch_bytes(ref.state_dict())))
    assert isinstance(state, OrderedDict)
    _same(state, ref.state_dict())
    ours = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.Flatten(),
                         nn.Linear(8, 3))
    ours.load_state_dict(state)
    ours.eval()
    x = np.random.default_rng(0).normal(size=(2, 1, 4, 4)).astype(np.float32)
    np.testing.assert_allclose(ours(autograd.tensor(x)).detach().numpy(),
                               ref(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6)


def test_torch_lstm_state_dict_gives_torch_outputs():
    torch = need_torch()
    ref = torch.nn.LSTM(3, 4, num_layers=2, batch_first=True)
    ours = nn.LSTM(3, 4, num_layers=2, batch_first=True)
    ours.load_state_dict(load(io.BytesIO(_torch_bytes(ref.state_dict()))))
    x = np.random.default_rng(1).normal(size=(2, 5, 3)).astype(np.float32)
    np.testing.assert_allclose(ours(autograd.tensor(x))[0].detach().numpy(),
                               ref(torch.tensor(x))[0].detach().numpy(), rtol=1e-5, atol=1e-6)


def _torch_adam_state():
    torch = need_torch()
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 2)
    opt = torch.optim.Adam(model.parameters(), lr=0.01, amsgrad=True)
    for _ in range(2):
        opt.zero_grad()
        model(torch.randn(4, 3)).pow(2).sum().backward()
        opt.step()
    return model, opt


def test_torch_optimizer_state_dict_loads_and_resumes():
    torch = need_torch()
    model, opt = _torch_adam_state()
    state = load(io.BytesIO(_torch_bytes(opt.state_dict())))
    _same(state, opt.state_dict())
    ours = nn.Linear(3, 2)
    ours.load_state_dict(load(io.BytesIO(_torch_bytes(model.state_dict()))))
    our_opt = optim.Adam(ours.parameters(), lr=0.01, amsgrad=True)
    our_opt.load_state_dict(state)
    x = np.random.default_rng(2).normal(size=(4, 3)).astype(np.float32)
    opt.zero_grad()
    model(torch.tensor(x)).pow(2).sum().backward()
    opt.step()
    our_opt.zero_grad()
    ours(autograd.tensor(x)).pow(2).sum().backward()
    our_opt.step()
    np.testing.assert_allclose(ours.weight.detach().numpy(), model.weight.detach().numpy(),
                               rtol=1e-5, atol=1e-6)


def test_nested_checkpoint_written_by_torch_loads():
    torch = need_torch()
    model, opt = _torch_adam_state()
    base = torch.arange(12.0)
    checkpoint = {
        "epoch": 3, "loss": 0.25, "name": "run-1", "flags": (True, None), "ids": {1, 2},
        "raw": b"\x00\x01", "z": 1 + 2j, "dtype": torch.float16, "size": torch.Size([2, 3]),
        "model": model.state_dict(), "optimizer": opt.state_dict(),
        "half": torch.ones(2, dtype=torch.float16), "bf16": torch.tensor([1.5, -2.0],
                                                                          dtype=torch.bfloat16),
        "int8": torch.tensor([-128, 127], dtype=torch.int8), "mask": torch.tensor([True, False]),
        "base": base, "view": base[2:8].view(2, 3).t(), "every_other": base[::2],
        "expanded": torch.tensor([1.0, 2.0]).expand(3, 2), "scalar": torch.tensor(7),
        "empty": torch.zeros(0, 3), "grad": torch.ones(2, requires_grad=True),
        "param": torch.nn.Parameter(torch.ones(2)),
    }
    back = load(io.BytesIO(_torch_bytes(checkpoint)))
    assert back["dtype"] == autograd.float16 and back["size"] == (2, 3)
    for key in ("dtype", "size"):
        checkpoint.pop(key), back.pop(key)
    _same(back, checkpoint)
    assert isinstance(back["param"], nn.Parameter) and back["param"].requires_grad
    assert not isinstance(back["base"], nn.Parameter)
    # views keep viewing their storage: the storage is shared as in torch
    back["base"].numpy()[5] = 100.0
    assert back["view"][0, 1].item() == 100.0


def test_views_written_here_share_their_storage_in_torch():
    torch = need_torch()
    base = autograd.arange(12.0)
    obj = {"base": base, "view": base[2:8].reshape(2, 3).t(), "step": base[::3]}
    loaded = _torch_load(_our_bytes(obj))
    _same(obj, loaded)
    ptr = loaded["base"].untyped_storage().data_ptr()
    assert loaded["view"].untyped_storage().data_ptr() == ptr
    assert loaded["step"].untyped_storage().data_ptr() == ptr
    loaded["base"][5] = -1.0
    assert loaded["view"][0, 1].item() == -1.0
    assert isinstance(loaded["base"], torch.Tensor)


def test_files_written_here_load_in_torch_weights_only():
    torch = need_torch()
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model(autograd.randn(5, 3)).sum().backward()
    opt.step()
    checkpoint = {"epoch": 2, "model": model.state_dict(), "optimizer": opt.state_dict(),
                  "param": nn.Parameter(autograd.ones(2)), "half": autograd.ones(2).half(),
                  "int8": autograd.tensor([1, -1], dtype=autograd.int8), "nested": [{"a": (1,)}]}
    loaded = _torch_load(_our_bytes(checkpoint))
    _same(checkpoint, loaded)
    assert isinstance(loaded["param"], torch.nn.Parameter)
    ref = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.ReLU(),
                              torch.nn.Linear(4, 2))
    ref.load_state_dict(loaded["model"])
    torch_opt = torch.optim.SGD(ref.parameters(), lr=0.1, momentum=0.9)
    torch_opt.load_state_dict(loaded["optimizer"])
    model.eval(), ref.eval()
    x = np.ones((2, 3), np.float32)
    np.testing.assert_allclose(model(autograd.tensor(x)).detach().numpy(),
                               ref(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
def test_pickle_protocols_load_in_torch_and_here(protocol):
    torch = need_torch()
    obj = {"w": autograd.ones(2, 3), "n": [1, 2.5]}
    data = _our_bytes(obj, pickle_protocol=protocol)
    if protocol <= 3:
        _same(obj, _torch_load(data))
    else:  # torch's weights-only unpickler cannot read FRAME opcodes, not even in its own files
        _same(obj, torch.load(io.BytesIO(data), weights_only=False))
    back = load(io.BytesIO(data))
    np.testing.assert_array_equal(back["w"].numpy(), np.ones((2, 3), np.float32))


def test_records_are_aligned_like_torchs():
    data = _our_bytes({"a": autograd.ones(3), "b": autograd.zeros(5, dtype=autograd.int8)})
    zf = zipfile.ZipFile(io.BytesIO(data))
    for info in zf.infolist():
        if "/data/" in info.filename:
            name_len, extra_len = np.frombuffer(data[info.header_offset + 26:
                                                     info.header_offset + 30], "<u2")
            assert (info.header_offset + 30 + name_len + extra_len) % 64 == 0


def test_paths_and_file_objects(tmp_path):
    path = tmp_path / "m.pt"
    with open(path, "wb") as f:
        save({"w": autograd.ones(2)}, f)
    with open(path, "rb") as f:
        assert load(f)["w"].tolist() == [1.0, 1.0]
    save([autograd.ones(1)], str(path))
    assert load(str(path))[0].item() == 1.0


class _Unseekable(io.RawIOBase):
    def __init__(self, data):
        self._inner = io.BytesIO(data)

    def readable(self):
        return True

    def readinto(self, b):
        return self._inner.readinto(b)


def test_unseekable_stream_loads():
    data = _our_bytes({"w": autograd.arange(3.0)})
    assert load(_Unseekable(data))["w"].tolist() == [0.0, 1.0, 2.0]


def _with_location(data: bytes, location: str) -> bytes:
    """The same archive with every storage claiming ``location`` (as a GPU checkpoint does)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            raw = src.read(info)
            if info.filename.endswith("data.pkl"):
                raw = raw.replace(b"X\x03\x00\x00\x00cpu",
                                  b"X" + len(location).to_bytes(4, "little") + location.encode())
            dst.writestr(info.filename, raw)
    return out.getvalue()


def test_map_location_forms():
    data = _our_bytes({"w": autograd.ones(2)})
    for where in ("cpu", autograd.device("cpu"), {"cuda:0": "cpu"}, lambda s, loc: s,
                  lambda s, loc: None):
        assert load(io.BytesIO(data), map_location=where)["w"].tolist() == [1.0, 1.0]
    seen = []
    load(io.BytesIO(data), map_location=lambda storage, loc: seen.append(loc))
    assert seen == ["cpu"]


def test_gpu_checkpoint_needs_a_map_location():
    data = _with_location(_our_bytes({"w": autograd.ones(2)}), "cuda:0")
    with pytest.raises(RuntimeError, match="map_location"):
        load(io.BytesIO(data))
    assert load(io.BytesIO(data), map_location="cpu")["w"].tolist() == [1.0, 1.0]
    assert load(io.BytesIO(data), map_location={"cuda:0": "cpu"})["w"].tolist() == [1.0, 1.0]
    with pytest.raises(RuntimeError, match="cuda"):
        load(io.BytesIO(data), map_location="cuda:1")
    with pytest.raises(TypeError, match="map_location"):
        load(io.BytesIO(data), map_location=3)


def test_mmap_maps_storages_copy_on_write(tmp_path):
    path = tmp_path / "big.pt"
    w = autograd.randn(100, 50)
    save({"w": w, "view": w[10:20]}, path)
    back = load(path, mmap=True)
    np.testing.assert_array_equal(back["w"].numpy(), w.numpy())
    root = back["w"].numpy()
    while not isinstance(root, np.memmap) and root.base is not None:
        root = root.base
    assert isinstance(root, np.memmap)
    back["w"].data[0, 0] = 123.0
    assert back["view"].shape == (10, 50)
    assert load(path)["w"][0, 0].item() == w[0, 0].item()  # the file is unchanged
    with pytest.raises(ValueError, match="file path"):
        load(io.BytesIO(path.read_bytes()), mmap=True)


def test_bfloat16_without_numpy_support_reads_as_float32(monkeypatch):
    torch = need_torch()
    data = _torch_bytes(torch.tensor([1.5, -2.25, 3e38], dtype=torch.bfloat16))
    real = torch_format.numpy_dtype
    monkeypatch.setattr(torch_format, "numpy_dtype",
                        lambda name: None if name == "bfloat16" else real(name))
    with pytest.warns(UserWarning, match="bfloat16 tensor read as float32"):
        back = load(io.BytesIO(data))
    assert back.dtype == autograd.float32
    ref = torch.tensor([1.5, -2.25, 3e38], dtype=torch.bfloat16).float().numpy()
    np.testing.assert_array_equal(back.numpy(), ref)


def test_legacy_torch_format_loads_with_views_and_parameters():
    torch = need_torch()
    base = torch.arange(12.0)
    obj = {"w": torch.randn(3, 4), "view": base[2:8].view(2, 3).t(), "base": base,
           "half": torch.ones(2, dtype=torch.float16), "param": torch.nn.Parameter(torch.ones(2)),
           "n": [1, 2.5]}
    back = load(io.BytesIO(_torch_bytes(obj, _use_new_zipfile_serialization=False)))
    _same(back, obj)
    back["base"].numpy()[5] = 100.0
    assert back["view"][0, 1].item() == 100.0


def test_legacy_torch_format_follows_the_weights_only_rule():
    torch = need_torch()
    data = _torch_bytes(torch.nn.Linear(2, 3), _use_new_zipfile_serialization=False)
    with pytest.raises(WeightsOnlyError, match="torch.nn.modules.linear.Linear"):
        load(io.BytesIO(data))
    with serialization.safe_globals([nn.Linear]):
        assert type(load(io.BytesIO(data))) is nn.Linear


def test_bare_pickle_is_not_mistaken_for_a_checkpoint():
    import pickle

    with pytest.raises(LoadError, match="bare pickle"):
        load(io.BytesIO(pickle.dumps({"w": 1}, protocol=2)))


def test_save_arguments_like_torch():
    buf = io.BytesIO()
    save({"a": 1}, buf, _use_new_zipfile_serialization=True, pickle_protocol=4)
    assert load(io.BytesIO(buf.getvalue())) == {"a": 1}
    with pytest.raises(ValueError, match="pickle_protocol"):
        save({"a": 1}, io.BytesIO(), pickle_protocol=1)
    with pytest.raises(TypeError, match="path or a binary file"):
        save({"a": 1}, 3)


def test_map_location_callable_errors_are_reported_as_such():
    data = _our_bytes({"w": autograd.ones(2)})
    assert load(io.BytesIO(data), map_location=lambda s, loc: s.cpu())["w"].tolist() == [1, 1]
    with pytest.raises(LoadError, match="CPU only"):
        load(io.BytesIO(data), map_location=lambda s, loc: s.cuda())
    with pytest.raises(LoadError, match="map_location raised ZeroDivisionError"):
        load(io.BytesIO(data), map_location=lambda s, loc: 1 / 0)
    with pytest.raises(LoadError, match="map_location returned a str"):
        load(io.BytesIO(data), map_location=lambda s, loc: "cpu")


def test_unsupported_tensor_kinds_are_named():
    torch = need_torch()
    data = _torch_bytes(torch.eye(3).to_sparse())
    with pytest.raises(LoadError, match="sparse tensor"):
        load(io.BytesIO(data))
