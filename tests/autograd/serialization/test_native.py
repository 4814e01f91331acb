"""save / load: round trips of nested structures and dtypes, file objects and paths, and refusal
of corrupt and truncated files; the project's older pickle-free format (save_native) still loads.
PyTorch interop, the weights-only rules and the other formats: tests/autograd/serialization/."""

import io
import os
import pickle
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

import autograd
from autograd.serialization import load, save, save_native


def _roundtrip(obj):
    buf = io.BytesIO()
    autograd.save(obj, buf)
    buf.seek(0)
    return autograd.load(buf)


def _saved_bytes(obj, writer=save) -> bytes:
    buf = io.BytesIO()
    writer(obj, buf)
    return buf.getvalue()


def _native_roundtrip(obj):
    return autograd.load(io.BytesIO(_saved_bytes(obj, save_native)))


@pytest.mark.parametrize("dtype", [autograd.float32, autograd.float64, autograd.float16,
                                   autograd.int64, autograd.int32, autograd.int8,
                                   autograd.uint8, autograd.bool])
def test_tensor_dtype_and_shape_survive(dtype):
    t = autograd.tensor(np.arange(12).reshape(3, 4) % 3).to(dtype)
    back = _roundtrip(t)
    assert isinstance(back, autograd.Tensor)
    assert back.dtype == dtype and back.shape == (3, 4)
    np.testing.assert_array_equal(back.numpy(), t.numpy())


def test_requires_grad_is_kept_and_graph_is_not():
    a = autograd.randn(2, 3, requires_grad=True)
    b = a * 2
    out = _roundtrip({"a": a, "b": b, "c": autograd.zeros(2)})
    assert out["a"].requires_grad and out["a"].is_leaf
    assert out["b"].requires_grad and out["b"].grad_fn is None
    assert not out["c"].requires_grad


def test_zero_dim_empty_and_noncontiguous_tensors():
    x = autograd.arange(24.0).reshape(2, 3, 4)
    obj = [autograd.tensor(3.5), autograd.zeros(0, 5), x.permute(2, 0, 1), x[:, ::2, 1::2]]
    back = _roundtrip(obj)
    for o, b in zip(obj, back):
        assert b.shape == o.shape
        np.testing.assert_array_equal(b.numpy(), o.numpy())


def test_native_format_nested_structure_round_trip():
    obj = {
        "state": OrderedDict([("w", autograd.ones(2, 2)), ("b", autograd.zeros(2))]),
        "param_groups": [{"lr": 0.1, "betas": (0.9, 0.999), "params": [0, 1],
                          "amsgrad": False, "name": None}],
        "epoch": 7, "huge": 2 ** 70, "tiny": -0.0, "nan": float("nan"), "inf": float("-inf"),
        "text": "héllo ✓", "array": np.arange(5, dtype=np.int16), "np_scalar": np.float32(2.5),
        3: "int key", (1, 2): "tuple key", "empty": {}, "empty_list": [], "nested": [[[()]]],
        "set": {1, "a", (2, 3)}, "frozen": frozenset([0.5]), "bytes": b"\x00\xffzip",
        "complex": 1.5 - 2j,
    }
    back = _native_roundtrip(obj)
    assert list(back) == list(obj)
    assert isinstance(back["state"], OrderedDict) and list(back["state"]) == ["w", "b"]
    assert type(back["param_groups"][0]["betas"]) is tuple
    assert back["param_groups"][0]["betas"] == (0.9, 0.999)
    assert back["param_groups"][0]["params"] == [0, 1]
    assert back["param_groups"][0]["amsgrad"] is False and back["param_groups"][0]["name"] is None
    assert back["epoch"] == 7 and type(back["epoch"]) is int
    assert back["huge"] == 2 ** 70
    assert str(back["tiny"]) == "-0.0"
    assert np.isnan(back["nan"]) and back["inf"] == float("-inf")
    assert back["text"] == "héllo ✓"
    assert back["array"].dtype == np.int16 and back["array"].tolist() == [0, 1, 2, 3, 4]
    assert back["np_scalar"] == np.float32(2.5) and back["np_scalar"].dtype == np.float32
    assert back[3] == "int key" and back[(1, 2)] == "tuple key"
    assert back["empty"] == {} and back["empty_list"] == [] and back["nested"] == [[[()]]]
    assert back["set"] == {1, "a", (2, 3)} and back["frozen"] == frozenset([0.5])
    assert back["bytes"] == b"\x00\xffzip" and back["complex"] == 1.5 - 2j


def test_nested_structure_round_trip_in_torch_format():
    obj = {"state": OrderedDict([("w", autograd.ones(2, 2)), ("b", autograd.zeros(2))]),
           "param_groups": [{"lr": 0.1, "betas": (0.9, 0.999), "params": [0, 1], "name": None}],
           "epoch": 7, "huge": 2 ** 70, "tiny": -0.0, "text": "héllo ✓", 3: "int key",
           (1, 2): "tuple key", "nested": [[[()]]], "set": {1, "a", (2, 3)}, "bytes": b"\x00\xff",
           "complex": 1.5 - 2j, "dtype": autograd.float16, "size": autograd.Size([2, 3])}
    back = _roundtrip(obj)
    assert list(back) == list(obj)
    assert isinstance(back["state"], OrderedDict) and list(back["state"]) == ["w", "b"]
    assert back["param_groups"] == obj["param_groups"]
    for key in ("epoch", "huge", 3, (1, 2), "nested", "set", "bytes", "complex", "text"):
        assert back[key] == obj[key] and type(back[key]) is type(obj[key])
    assert str(back["tiny"]) == "-0.0"
    assert back["dtype"] == autograd.float16 and back["size"] == (2, 3)
    assert isinstance(back["size"], autograd.Size)


def test_float_values_are_exact():
    values = [0.1, 1 / 3, 1e-308, 5e-324, 1.7976931348623157e308]
    assert _roundtrip(values) == values


def test_parameters_are_saved_as_tensors():
    nn = pytest.importorskip("nn")
    p = nn.Parameter(autograd.randn(3, 2))
    back = _roundtrip({"weight": p})["weight"]
    assert isinstance(back, autograd.Tensor) and back.requires_grad
    np.testing.assert_array_equal(back.detach().numpy(), p.detach().numpy())


def test_module_state_dict_round_trip(tmp_path):
    nn = pytest.importorskip("nn")

    class Affine(nn.Module):
        def __init__(self):
            super().__init__()
            self.weight = nn.Parameter(autograd.randn(3, 4))
            self.register_buffer("running", autograd.zeros(3))

    model = Affine()
    path = tmp_path / "model.pt"
    autograd.save(model.state_dict(), path)
    state = autograd.load(path)
    assert list(state) == list(model.state_dict())
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(state[k].detach().numpy(), v.detach().numpy())
    assert state["weight"].dtype == autograd.float32 and state["running"].shape == (3,)


def test_shared_tensor_is_loaded_once():
    t = autograd.ones(3)
    back = _roundtrip({"a": t, "b": t, "c": autograd.ones(3)})
    assert back["a"] is back["b"] and back["a"] is not back["c"]


def test_big_tensor_round_trip(tmp_path):
    t = autograd.randn(1000, 1000)
    path = os.path.join(tmp_path, "big.pt")
    save(t, path)
    back = load(path)
    assert back.dtype == autograd.float32
    np.testing.assert_array_equal(back.numpy(), t.numpy())


def test_paths_file_objects_and_map_location(tmp_path):
    path = tmp_path / "x.pt"
    autograd.save([1, 2], str(path))
    assert autograd.load(str(path), map_location="cpu") == [1, 2]
    with open(path, "rb") as fh:
        assert autograd.load(fh, weights_only=True) == [1, 2]
    with open(tmp_path / "y.pt", "wb") as fh:
        autograd.save({"k": autograd.ones(1)}, fh)
    assert autograd.load(tmp_path / "y.pt", map_location=autograd.device("cpu"))["k"].item() == 1
    with pytest.raises(RuntimeError, match="cuda"):
        autograd.load(path, map_location="cuda:0")


def test_native_writer_refuses_unsupported_objects_with_their_location():
    with pytest.raises(TypeError, match=r"function at obj\['model'\]\[1\]"):
        save_native({"model": [1, lambda: 0]}, io.BytesIO())
    with pytest.raises(TypeError, match="object"):
        save_native(np.array([{}, []], dtype=object), io.BytesIO())
    with pytest.raises(TypeError, match="dict key"):
        save_native({object(): 1}, io.BytesIO())


def test_native_writer_refuses_self_containing_structure():
    loop = []
    loop.append(loop)
    with pytest.raises(ValueError, match="nested"):
        save_native(loop, io.BytesIO())


def test_self_containing_structure_round_trips_in_torch_format():
    loop = []
    loop.append(loop)
    back = _roundtrip(loop)
    assert back[0] is back


@pytest.mark.parametrize("writer", [save, save_native])
def test_truncated_file_is_refused(writer):
    data = _saved_bytes({"w": autograd.randn(50, 50)}, writer)
    for cut in (len(data) // 2, len(data) - 10, 30):
        with pytest.raises(RuntimeError, match="truncated or damaged|not a valid topograd file"):
            load(io.BytesIO(data[:cut]))


@pytest.mark.parametrize("writer", [save, save_native])
def test_corrupted_bytes_are_refused(writer):
    data = bytearray(_saved_bytes({"w": autograd.randn(20, 20)}, writer))
    data[len(data) // 2] ^= 0xFF  # inside the array: the zip CRC no longer matches
    with pytest.raises(RuntimeError, match="damaged|not a valid"):
        load(io.BytesIO(bytes(data)))


def test_empty_and_foreign_files_are_refused(tmp_path):
    with pytest.raises(RuntimeError, match="empty"):
        load(io.BytesIO(b""))
    with pytest.raises(RuntimeError, match="not a zip archive"):
        load(io.BytesIO(b"hello world, not a model"))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(RuntimeError, match="no data.pkl"):
        load(io.BytesIO(buf.getvalue()))


def _archive(structure: str, arrays=()) -> io.BytesIO:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("structure.json", structure)
        for i, a in enumerate(arrays):
            with zf.open(f"arrays/{i}.npy", "w") as out:
                np.lib.format.write_array(out, a, allow_pickle=True)
    buf.seek(0)
    return buf


def test_unknown_or_malformed_structure_is_refused():
    with pytest.raises(RuntimeError, match="not valid JSON"):
        load(_archive("{not json"))
    with pytest.raises(RuntimeError, match="does not describe"):
        load(_archive('{"format": "other"}'))
    with pytest.raises(RuntimeError, match="version"):
        load(_archive('{"format": "topograd", "version": 99, "arrays": 0, "root": {}}'))
    with pytest.raises(RuntimeError, match="unknown structure entry type 'module'"):
        load(_archive('{"format": "topograd", "version": 1, "arrays": 0, '
                      '"root": {"type": "module", "value": "os"}}'))
    with pytest.raises(RuntimeError, match="out of range"):
        load(_archive('{"format": "topograd", "version": 1, "arrays": 0, '
                      '"root": {"type": "tensor", "array": 0}}'))
    with pytest.raises(RuntimeError, match="malformed"):
        load(_archive('{"format": "topograd", "version": 1, "arrays": 0, '
                      '"root": {"type": "list"}}'))


def test_object_array_inside_archive_is_not_unpickled():
    evil = np.array([_Boom()], dtype=object)
    structure = '{"format": "topograd", "version": 1, "arrays": 1, ' \
                '"root": {"type": "ndarray", "array": 0}}'
    _Boom.ran = False
    with pytest.raises(RuntimeError, match="without pickle"):
        load(_archive(structure, [evil]))
    assert not _Boom.ran


class _Boom:
    """Unpickling this calls _Boom._explode: a stand-in for code a malicious file would run."""

    ran = False

    def __reduce__(self):
        return (_Boom._explode, ())

    @staticmethod
    def _explode():
        _Boom.ran = True
        return "exploded"


def test_bare_pickle_file_is_refused_and_its_code_never_runs(tmp_path):
    path = tmp_path / "evil.pt"
    with open(path, "wb") as fh:
        pickle.dump({"payload": _Boom()}, fh)
    _Boom.ran = False
    with pytest.raises(RuntimeError, match="pickle"):
        load(path)
    with pytest.raises(RuntimeError, match="pickle"):
        load(path, weights_only=False)
    assert not _Boom.ran


def test_text_mode_file_is_refused(tmp_path):
    path = tmp_path / "x.pt"
    save([1], path)
    with open(path, encoding="latin-1") as fh, pytest.raises(TypeError, match="binary"):
        load(fh)
