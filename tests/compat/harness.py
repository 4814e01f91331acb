"""Run one PyTorch script twice, with real torch and with the import swap, and compare.

Tolerances are float32 over a few optimizer steps (Adam normalizes tiny gradients, so rounding
differences grow a little with each step).

A script is plain torch code without its import lines. It sees `torch`, `nn`, `F`, `optim`,
`DataLoader`, `TensorDataset` (bound to torch or to our packages), `np`, `tmpdir`, and two hooks:
`sync(model)` makes our model start from torch's weights (torch's state_dict as numpy arrays,
loaded with `load_state_dict`), and `record(name, value)` logs a value to compare. Both runs must
record the same names in the same order with values equal to float32 tolerance.
"""

from __future__ import annotations

import sys
import textwrap
import types

import numpy as np

from tests.helpers.torch_ref import need_torch

RTOL = 1e-3
ATOL = 1e-4


def _torch_namespace(torch):
    return {
        "torch": torch,
        "nn": torch.nn,
        "F": torch.nn.functional,
        "optim": torch.optim,
        "DataLoader": torch.utils.data.DataLoader,
        "TensorDataset": torch.utils.data.TensorDataset,
    }


def _our_namespace():
    import autograd
    import nn
    import nn.functional as F
    import optim
    from autograd.utils.data import DataLoader, TensorDataset

    return {"torch": autograd, "nn": nn, "F": F, "optim": optim,
            "DataLoader": DataLoader, "TensorDataset": TensorDataset}


def _dtype_name(dtype) -> str:
    return str(dtype).replace("torch.", "").replace("autograd.", "")


def _canonical(value, tensor_types):
    """A library-neutral form of a recorded value: tensors become ('tensor', dtype, array)."""
    if isinstance(value, tensor_types):
        array = np.array(value.detach().cpu().numpy(), copy=True)
        return ("tensor", _dtype_name(value.dtype), array)
    if isinstance(value, np.ndarray):
        return ("ndarray", str(value.dtype), value)
    if isinstance(value, (list, tuple)):
        # torch.Size is a tuple subclass; our shapes are plain tuples (see test_known_gaps.py)
        kind = "list" if isinstance(value, list) else "tuple"
        return (kind, [_canonical(v, tensor_types) for v in value])
    if isinstance(value, dict):
        return ("dict", {k: _canonical(v, tensor_types) for k, v in value.items()})
    if isinstance(value, (bool, np.bool_)):
        return ("bool", bool(value))
    if isinstance(value, (int, np.integer)):
        return ("int", int(value))
    if isinstance(value, (float, np.floating)):
        return ("float", float(value))
    if isinstance(value, str):
        # our reprs name the package where torch's say "torch." (autograd.float32, ...)
        return ("str", value.replace("torch.", "autograd."))
    if value is None:
        return ("NoneType", None)
    if type(value).__name__ == "dtype":  # torch.dtype / autograd.dtype
        return ("dtype", _dtype_name(value))
    raise TypeError(f"record: cannot compare a value of type {type(value).__name__}")


def _assert_same(name: str, ref, ours) -> None:
    assert ref[0] == ours[0], f"{name}: torch gave a {ref[0]}, we gave a {ours[0]}"
    kind = ref[0]
    if kind in ("tensor", "ndarray"):
        assert ref[1] == ours[1], f"{name}: dtype {ref[1]} in torch, {ours[1]} here"
        assert ref[2].shape == ours[2].shape, (
            f"{name}: shape {ref[2].shape} in torch, {ours[2].shape} here")
        if ref[2].dtype.kind in "fc":
            np.testing.assert_allclose(ours[2], ref[2], rtol=RTOL, atol=ATOL, equal_nan=True,
                                       err_msg=name)
        else:
            np.testing.assert_array_equal(ours[2], ref[2], err_msg=name)
    elif kind in ("list", "tuple"):
        assert len(ref[1]) == len(ours[1]), f"{name}: {len(ref[1])} items in torch, {len(ours[1])}"
        for i, (r, o) in enumerate(zip(ref[1], ours[1])):
            _assert_same(f"{name}[{i}]", r, o)
    elif kind == "dict":
        assert list(ref[1]) == list(ours[1]), f"{name}: keys {list(ref[1])} vs {list(ours[1])}"
        for k in ref[1]:
            _assert_same(f"{name}[{k!r}]", ref[1][k], ours[1][k])
    elif kind == "float":
        np.testing.assert_allclose(ours[1], ref[1], rtol=RTOL, atol=ATOL, err_msg=name)
    else:
        assert ref[1] == ours[1], f"{name}: {ref[1]!r} in torch, {ours[1]!r} here"


def _run(source: str, namespace: dict, tensor_types, weights: list, replay: bool, tmpdir: str):
    records: list = []
    synced = iter(weights)

    def record(name: str, value) -> None:
        records.append((name, _canonical(value, tensor_types)))

    def sync(model) -> None:
        if replay:
            model.load_state_dict(next(synced))
        else:
            weights.append({k: np.array(v.detach().numpy(), copy=True)
                            for k, v in model.state_dict().items()})

    # a real module, so classes defined by the script resolve their module (@dataclass does)
    module = types.ModuleType("__compat_script__")
    module.__dict__.update(namespace, np=np, record=record, sync=sync, tmpdir=tmpdir)
    sys.modules[module.__name__] = module
    try:
        exec(compile(source, "<compat script>", "exec"), module.__dict__)
    finally:
        del sys.modules[module.__name__]
    return records


def run_compat(source: str, tmp_path) -> list:
    """Run `source` with torch, then with our packages; assert every record matches.

    Returns the (name, value) records of our run, so a test can add its own checks.
    """
    torch = need_torch()
    import autograd

    source = textwrap.dedent(source)
    weights: list = []
    (tmp_path / "torch").mkdir()
    (tmp_path / "ours").mkdir()
    # torch's initial weights (copied into ours by sync) come from a fixed seed, so a script's
    # float32 tolerance is tested on the same draw every run
    torch.manual_seed(0)
    autograd.manual_seed(0)
    ref = _run(source, _torch_namespace(torch), torch.Tensor, weights, False,
               str(tmp_path / "torch"))
    ours = _run(source, _our_namespace(), autograd.Tensor, weights, True,
                str(tmp_path / "ours"))
    ref_names = [n for n, _ in ref]
    our_names = [n for n, _ in ours]
    assert ref_names == our_names, f"records differ: torch {ref_names}, ours {our_names}"
    for (name, r), (_, o) in zip(ref, ours):
        _assert_same(name, r, o)
    assert ref, "the script recorded nothing"
    return ours
