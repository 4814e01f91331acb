"""The safety rule: a weights-only load (the default) rebuilds tensors, containers and numbers and
the globals the caller allowed, and refuses every other global when the pickle names it, before
anything could run; the allow-list API is PyTorch's (safe_globals, add/get/clear_safe_globals)."""

import io
import os
import pickle
import zipfile

import numpy as np
import pytest

import autograd
import nn
from autograd import serialization
from autograd.serialization import LoadError, WeightsOnlyError, load, save
from tests.helpers.torch_ref import need_torch

RAN: list = []


def _explode(*args):
    """What a malicious file would run: recorded, so a test can prove it never ran."""
    RAN.append(args)
    return "exploded"


class Explodes:
    def __reduce__(self):
        return (_explode, ("payload",))


class WritesFile:
    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


class RunsShell:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


class Point:
    """A plain user class a checkpoint may hold once it is allowed."""

    def __init__(self, x=0, y=0):
        self.x, self.y = x, y


@pytest.fixture(autouse=True)
def _clean_allow_list():
    RAN.clear()
    serialization.clear_safe_globals()
    yield
    serialization.clear_safe_globals()


def _saved(obj) -> io.BytesIO:
    buf = io.BytesIO()
    save(obj, buf)
    buf.seek(0)
    return buf


def _zip_with_pickle(data: bytes) -> io.BytesIO:
    """A torch.save-shaped archive around a hand-written pickle."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("archive/data.pkl", data)
        zf.writestr("archive/version", "3\n")
    buf.seek(0)
    return buf


def test_reduce_that_would_write_a_file_is_refused_and_writes_nothing(tmp_path):
    target = tmp_path / "pwned.txt"
    with pytest.raises(WeightsOnlyError, match="GLOBAL (builtins|io).open"):
        load(_saved({"weights": autograd.ones(2), "evil": WritesFile(target)}))
    assert not target.exists()


def test_shell_command_is_refused_as_blocked_module():
    with pytest.raises(pickle.UnpicklingError, match=r"GLOBAL (posix|nt)\.system whose module "
                                                     r"(posix|nt) is blocked"):
        load(_saved([RunsShell()]))


def test_unknown_global_is_refused_naming_it_with_torchs_hint():
    with pytest.raises(WeightsOnlyError) as info:
        load(_saved({"p": Point(1, 2)}))
    message = str(info.value)
    assert "Weights only load failed" in message
    assert f"GLOBAL {__name__}.Point was not an allowed global by default" in message
    assert f"add_safe_globals([{__name__}.Point])" in message
    assert "weights_only` set to `False`" in message


def test_global_nested_deep_after_allowed_content_is_refused_and_runs_nothing():
    obj = {"model": {"w": autograd.ones(3)}, "deep": [1, {"b": (2, [{"c": Explodes()}])}]}
    with pytest.raises(WeightsOnlyError, match=f"GLOBAL {__name__}._explode"):
        load(_saved(obj))
    assert RAN == []


def test_global_as_dict_key_and_as_call_argument_is_refused():
    with pytest.raises(WeightsOnlyError, match="_explode"):
        load(_saved({(1, Explodes()): 1}))
    with pytest.raises(WeightsOnlyError, match="Point"):
        load(_saved([autograd.ones(1), [[Point]]]))
    assert RAN == []


@pytest.mark.parametrize("pickled", [
    b"cos\nsystem\n(S'echo pwned'\ntR.",                  # protocol 0 GLOBAL + REDUCE
    b"(S'echo pwned'\nios\nsystem\n.",                     # INST
    b"\x80\x02(cos\nsystem\nX\x0b\x00\x00\x00echo pwnedo.",  # OBJ
    b"\x80\x04\x8c\x02os\x8c\x06system\x93X\x0b\x00\x00\x00echo pwned\x85R.",  # STACK_GLOBAL
    b"\x80\x02c__builtin__\neval\nX\x04\x00\x00\x001+1\x85R.",
])
def test_every_opcode_that_names_a_global_is_checked(pickled):
    with pytest.raises(WeightsOnlyError, match="GLOBAL"):
        load(_zip_with_pickle(pickled))


def test_malicious_file_written_by_torch_save_is_refused(tmp_path):
    torch = need_torch()
    target = tmp_path / "pwned.txt"
    buf = io.BytesIO()
    torch.save({"w": torch.ones(2), "evil": WritesFile(target)}, buf)
    buf.seek(0)
    with pytest.raises(WeightsOnlyError, match="open"):
        load(buf)
    assert not target.exists()


def test_weights_only_false_unpickles_anything_which_is_why_it_is_unsafe():
    back = load(_saved({"p": Point(1, 2), "boom": Explodes()}), weights_only=False)
    assert back["boom"] == "exploded" and RAN == [("payload",)]
    assert isinstance(back["p"], Point) and back["p"].y == 2


def test_safe_globals_context_manager_allows_inside_only():
    data = _saved({"p": Point(3, 4)}).getvalue()
    with serialization.safe_globals([Point]):
        assert serialization.get_safe_globals() == [Point]
        back = load(io.BytesIO(data))
    assert back["p"].x == 3 and serialization.get_safe_globals() == []
    with pytest.raises(WeightsOnlyError):
        load(io.BytesIO(data))


def test_add_get_clear_safe_globals():
    data = _saved(Point(5, 6)).getvalue()
    serialization.add_safe_globals([Point])
    assert serialization.get_safe_globals() == [Point]
    assert load(io.BytesIO(data)).x == 5
    serialization.clear_safe_globals()
    with pytest.raises(WeightsOnlyError):
        load(io.BytesIO(data))


def test_allowed_global_under_another_name():
    records = _records(zipfile.ZipFile(_saved(Point(1, 1))))
    records["archive/data.pkl"] = records["archive/data.pkl"].replace(
        f"{__name__}\nPoint".encode(), b"legacy.geometry\nPoint")
    with pytest.raises(WeightsOnlyError, match="legacy.geometry.Point"):
        load(_zip_with_records(records))
    serialization.add_safe_globals([(Point, "legacy.geometry.Point")])
    assert isinstance(load(_zip_with_records(records)), Point)


def test_allow_list_entries_are_checked():
    with pytest.raises(TypeError, match="not a class or function"):
        serialization.add_safe_globals([3])
    with pytest.raises(TypeError, match="callable, 'module.name'"):
        serialization.safe_globals([(Point, 3)])


def test_pickle_module_with_weights_only_is_refused_like_torch():
    with pytest.raises(RuntimeError, match="explicit pickle_module"):
        load(_saved([1]), pickle_module=pickle)


def test_allow_list_spelled_for_torch_loads_torch_pickled_module():
    torch = need_torch()
    ref = torch.nn.Linear(3, 2)
    buf = io.BytesIO()
    torch.save(ref, buf)
    with pytest.raises(WeightsOnlyError, match="torch.nn.modules.linear.Linear") as info:
        load(io.BytesIO(buf.getvalue()))
    assert "add_safe_globals([nn.modules.linear.Linear])" in str(info.value)
    with serialization.safe_globals([nn.modules.linear.Linear]):
        ours = load(io.BytesIO(buf.getvalue()))
    assert type(ours) is nn.Linear
    x = np.ones((1, 3), np.float32)
    np.testing.assert_allclose(ours(autograd.tensor(x)).detach().numpy(),
                               ref(torch.tensor(x)).detach().numpy(), rtol=1e-6)


def test_damaged_tensor_metadata_is_refused_not_read_out_of_bounds():
    buf = _saved({"w": autograd.ones(4)})
    data = buf.getvalue()
    zf = zipfile.ZipFile(io.BytesIO(data))
    pickled = zf.read("archive/data.pkl")
    assert b"K\x04\x85" in pickled  # size (4,)
    bad = pickled.replace(b"K\x04\x85", b"K\x40\x85", 1)  # size (64,): past the 4 stored
    with pytest.raises(LoadError, match="reaches element"):
        load(_zip_with_records({**_records(zf), "archive/data.pkl": bad}))


def _records(zf: zipfile.ZipFile) -> dict:
    return {n: zf.read(n) for n in zf.namelist()}


def _zip_with_records(records: dict) -> io.BytesIO:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, raw in records.items():
            zf.writestr(name, raw)
    buf.seek(0)
    return buf
