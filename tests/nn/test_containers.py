"""Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict."""

from collections import OrderedDict

import numpy as np
import pytest

import autograd
import nn
from tests.helpers.torch_ref import need_torch


def _layers():
    return [nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)]


# ---------------------------------------------------------------- Sequential
def test_sequential_applies_modules_in_order():
    a, r, b = _layers()
    seq = nn.Sequential(a, r, b)
    x = autograd.randn(5, 3)
    np.testing.assert_allclose(seq(x).detach().numpy(), b(r(a(x))).detach().numpy())
    assert list(seq._modules) == ["0", "1", "2"]


def test_sequential_indexing_negative_and_slices():
    a, r, b = _layers()
    seq = nn.Sequential(a, r, b)
    assert seq[0] is a and seq[-1] is b and len(seq) == 3
    head = seq[:2]
    assert isinstance(head, nn.Sequential) and list(head) == [a, r]
    assert list(seq[::-1]) == [b, r, a]
    with pytest.raises(IndexError, match="index 3 is out of range"):
        seq[3]
    with pytest.raises(IndexError):
        seq[-4]


def test_sequential_ordered_dict_keeps_names():
    a, r, b = _layers()
    seq = nn.Sequential(OrderedDict([("fc1", a), ("act", r), ("fc2", b)]))
    assert seq.fc1 is a and seq[2] is b
    assert list(seq.state_dict()) == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    assert list(seq[1:]._modules) == ["act", "fc2"]


def test_sequential_append_extend_insert_pop_del_renumber():
    a, r, b = _layers()
    seq = nn.Sequential(a)
    assert seq.append(r) is seq
    seq.extend([b])
    assert list(seq) == [a, r, b]
    t = nn.Tanh()
    seq.insert(1, t)
    assert list(seq) == [a, t, r, b] and list(seq._modules) == ["0", "1", "2", "3"]
    seq.insert(-1, nn.Sigmoid())
    assert isinstance(seq[3], nn.Sigmoid) and seq[4] is b
    assert seq.pop(1) is t
    del seq[0]
    assert list(seq._modules) == ["0", "1", "2"] and seq[0] is r
    seq[0] = t
    assert seq[0] is t
    with pytest.raises(IndexError):
        seq.insert(10, nn.ReLU())


def test_sequential_add_and_iadd():
    a, r, b = _layers()
    joined = nn.Sequential(a) + nn.Sequential(r, b)
    assert list(joined) == [a, r, b]
    first = nn.Sequential(a)
    first += nn.Sequential(r)
    assert list(first) == [a, r]
    with pytest.raises(ValueError, match="only objects of Sequential"):
        nn.Sequential(a) + [r]


def test_sequential_repr_matches_torch():
    need_torch()
    import torch.nn as tnn

    ours = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Sequential(nn.Tanh()))
    theirs = tnn.Sequential(tnn.Linear(2, 3), tnn.ReLU(), tnn.Sequential(tnn.Tanh()))
    assert repr(ours) == repr(theirs)
    assert repr(nn.Sequential()) == repr(tnn.Sequential())


# ---------------------------------------------------------------- ModuleList
def test_module_list_registers_and_indexes():
    layers = nn.ModuleList(_layers())
    assert len(layers) == 3 and isinstance(layers[-1], nn.Linear)
    assert isinstance(layers[1:], nn.ModuleList) and len(layers[1:]) == 2
    assert [n for n, _ in layers.named_parameters()] == ["0.weight", "0.bias", "2.weight",
                                                         "2.bias"]
    layers.append(nn.Tanh())
    layers.extend([nn.Sigmoid()])
    layers.insert(0, nn.Identity())
    assert [type(m).__name__ for m in layers] == [
        "Identity", "Linear", "ReLU", "Linear", "Tanh", "Sigmoid"]
    del layers[0]
    assert list(layers._modules) == ["0", "1", "2", "3", "4"]
    layers += [nn.ReLU()]
    assert len(layers) == 6
    assert len(layers + nn.ModuleList([nn.ReLU()])) == 7


def test_module_list_is_not_callable():
    with pytest.raises(NotImplementedError):
        nn.ModuleList([nn.ReLU()])(autograd.ones(1))


def test_module_list_repr_groups_repeats_like_torch():
    need_torch()
    import torch.nn as tnn

    ours = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)] + [nn.ReLU()]
                         + [nn.Linear(2, 3), nn.Linear(2, 3)])
    theirs = tnn.ModuleList([tnn.Linear(2, 2) for _ in range(3)] + [tnn.ReLU()]
                            + [tnn.Linear(2, 3), tnn.Linear(2, 3)])
    assert repr(ours) == repr(theirs)
    assert repr(nn.ModuleList()) == repr(tnn.ModuleList())


# ---------------------------------------------------------------- ModuleDict
def test_module_dict_behaves_like_an_ordered_dict():
    d = nn.ModuleDict({"enc": nn.Linear(2, 3), "act": nn.ReLU()})
    assert list(d) == ["enc", "act"] and "enc" in d and len(d) == 2
    d["dec"] = nn.Linear(3, 2)
    d.update([("out", nn.Sigmoid())])
    assert list(d.keys()) == ["enc", "act", "dec", "out"]
    assert [type(v).__name__ for v in d.values()] == ["Linear", "ReLU", "Linear", "Sigmoid"]
    assert isinstance(d.pop("out"), nn.Sigmoid)
    del d["act"]
    assert list(d.state_dict()) == ["enc.weight", "enc.bias", "dec.weight", "dec.bias"]
    copy = nn.ModuleDict(d)
    assert list(copy) == ["enc", "dec"] and copy["enc"] is d["enc"]
    d.clear()
    assert len(d) == 0


# ---------------------------------------------------------------- parameter containers
def test_parameter_list_wraps_tensors_and_registers():
    plist = nn.ParameterList([autograd.randn(2), nn.Parameter(autograd.randn(3))])
    assert all(isinstance(p, nn.Parameter) for p in plist)
    plist.append(autograd.zeros(4))
    assert len(plist) == 3 and plist[-1].shape == (4,)
    assert [n for n, _ in plist.named_parameters()] == ["0", "1", "2"]

    class Holder(nn.Module):
        def __init__(self):
            super().__init__()
            self.ps = plist

    assert list(Holder().state_dict()) == ["ps.0", "ps.1", "ps.2"]


def test_parameter_dict_wraps_tensors_and_registers():
    pdict = nn.ParameterDict({"a": autograd.randn(2)})
    pdict["b"] = nn.Parameter(autograd.ones(3), requires_grad=False)
    assert list(pdict) == ["a", "b"] and "a" in pdict
    assert isinstance(pdict["a"], nn.Parameter)
    assert not pdict["b"].requires_grad
    assert [n for n, _ in pdict.named_parameters()] == ["a", "b"]
    assert list(nn.ParameterDict(pdict)) == ["a", "b"]
    assert pdict.pop("a").shape == (2,)
    assert list(pdict.keys()) == ["b"]


def test_parameter_containers_repr_lists_shapes():
    plist = nn.ParameterList([autograd.randn(3, 4), autograd.randn(2, dtype=autograd.float64)])
    assert repr(plist) == (
        "ParameterList(\n"
        "    (0): Parameter containing: [autograd.float32 of size 3x4]\n"
        "    (1): Parameter containing: [autograd.float64 of size 2]\n"
        ")")
    assert "(a): Parameter containing: [autograd.FloatTensor of size 3]" in repr(
        nn.ParameterDict({"a": autograd.randn(3)}))
