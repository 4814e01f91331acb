"""safetensors (byte-identical to the safetensors package, bfloat16 included) and numpy .npz
hand-offs: both give dicts of Tensors, and neither can run code."""

import io

import numpy as np
import pytest

import autograd
import nn
from autograd.serialization import (
    LoadError,
    load,
    load_safetensors,
    safetensors_metadata,
    save_safetensors,
)
from autograd.serialization.torch_format import numpy_dtype

safetensors_numpy = pytest.importorskip("safetensors.numpy")


def _arrays():
    rng = np.random.default_rng(0)
    arrays = {"w": rng.normal(size=(3, 4)).astype(np.float32),
              "b": np.arange(4, dtype=np.int64), "h": np.ones((2, 2), np.float16),
              "mask": np.array([True, False]), "i8": np.array([-3, 4], np.int8),
              "scalar": np.array(2.5, np.float64), "empty": np.zeros((0, 3), np.float32)}
    if numpy_dtype("bfloat16") is not None:
        arrays["bf16"] = np.array([1.5, -2.0, 3.25], numpy_dtype("bfloat16"))
    return arrays


def test_save_safetensors_is_byte_identical_to_the_package(tmp_path):
    arrays = _arrays()
    ours, theirs = tmp_path / "ours.safetensors", tmp_path / "theirs.safetensors"
    save_safetensors({k: autograd.tensor(v) if v.dtype.name != "bfloat16"
                      else autograd.from_numpy(v) for k, v in arrays.items()}, ours,
                     metadata={"format": "pt"})
    safetensors_numpy.save_file(arrays, str(theirs), metadata={"format": "pt"})
    assert ours.read_bytes() == theirs.read_bytes()
    assert safetensors_metadata(ours) == {"format": "pt"}


def test_load_safetensors_reads_package_files_with_every_dtype(tmp_path):
    arrays = _arrays()
    path = tmp_path / "w.safetensors"
    safetensors_numpy.save_file(arrays, str(path))
    back = load_safetensors(path)
    assert set(back) == set(arrays)
    for k, v in arrays.items():
        assert isinstance(back[k], autograd.Tensor)
        assert back[k].dtype == v.dtype and back[k].shape == v.shape
        np.testing.assert_array_equal(back[k].numpy(), v)
    assert load(path).keys() == back.keys()  # load recognises the format too


def test_package_save_file_accepts_tensors_and_state_dicts(tmp_path):
    model = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
    path = tmp_path / "model.safetensors"
    safetensors_numpy.save_file(model.state_dict(), str(path))
    back = safetensors_numpy.load_file(str(path))
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(back[k], v.detach().numpy())
    fresh = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
    fresh.load_state_dict(load_safetensors(path))
    np.testing.assert_array_equal(fresh[0].weight.detach().numpy(),
                                  model[0].weight.detach().numpy())


def test_non_contiguous_tensor_is_refused_by_ctypes_not_written_scrambled(tmp_path):
    t = autograd.arange(6.0).reshape(2, 3).t()
    with pytest.raises(ValueError, match="contiguous"):
        safetensors_numpy.save_file({"t": t}, str(tmp_path / "t.safetensors"))
    save_safetensors({"t": t}, tmp_path / "ok.safetensors")  # ours makes it contiguous
    np.testing.assert_array_equal(load_safetensors(tmp_path / "ok.safetensors")["t"].numpy(),
                                  t.numpy())


def test_bfloat16_without_numpy_support_reads_as_float32(tmp_path, monkeypatch):
    from autograd.serialization import safetensors as module

    bits = np.array([0x3FC0, 0xC010], np.uint16)  # bfloat16 1.5 and -2.25
    header = b'{"x":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}}'
    path = tmp_path / "bf.safetensors"
    path.write_bytes(len(header).to_bytes(8, "little") + header + bits.tobytes())
    monkeypatch.setattr(module, "numpy_dtype",
                        lambda name: None if name == "bfloat16" else np.dtype(name))
    with pytest.warns(UserWarning, match="bfloat16 tensor read as float32"):
        back = load_safetensors(path)
    assert back["x"].dtype == autograd.float32 and back["x"].tolist() == [1.5, -2.25]


def test_damaged_safetensors_give_clear_errors(tmp_path):
    path = tmp_path / "w.safetensors"
    safetensors_numpy.save_file(_arrays(), str(path))
    data = path.read_bytes()
    for cut in range(0, len(data), 7):
        with pytest.raises(LoadError):
            load_safetensors(_write(tmp_path / "cut.safetensors", data[:cut]))
    bad_header = b'{"x":{"dtype":"F32","shape":[4],"data_offsets":[0,400]}}'
    with pytest.raises(LoadError, match="byte range"):
        load_safetensors(_write(tmp_path / "bad.safetensors",
                                len(bad_header).to_bytes(8, "little") + bad_header))


def _write(path, data):
    path.write_bytes(data)
    return path


def test_npz_loads_as_dict_of_tensors(tmp_path):
    path = tmp_path / "weights.npz"
    np.savez(path, w=np.ones((2, 3), np.float32), idx=np.arange(3))
    back = load(path)
    assert set(back) == {"w", "idx"} and isinstance(back["w"], autograd.Tensor)
    assert back["w"].dtype == autograd.float32 and back["idx"].tolist() == [0, 1, 2]
    compressed = io.BytesIO()
    np.savez_compressed(compressed, a=np.arange(4.0))
    compressed.seek(0)
    assert load(compressed)["a"].tolist() == [0.0, 1.0, 2.0, 3.0]


def test_npz_object_array_is_refused_not_unpickled(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, a=np.array([{"x": 1}], dtype=object))
    with pytest.raises(LoadError, match="object array"):
        load(path)
