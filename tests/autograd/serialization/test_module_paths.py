"""PyTorch's module paths resolve here: every class torch.nn.modules defines is at the same path
under nn.modules (the same object as nn.X), so pickles and allow-lists naming them work."""

import importlib
import inspect
import pickle
import pkgutil

import pytest

import nn
from tests.helpers.torch_ref import need_torch

# torch.nn.modules classes this library does not have yet (each would be a new layer)
NOT_HERE = {"adaptive.AdaptiveLogSoftmaxWithLoss", "container.Container",
            "lazy.LazyModuleMixin", "linear_cross_entropy_options.LinearCrossEntropyOptions",
            "loss.LinearCrossEntropyLoss", "normalization.CrossMapLRN2d",
            "pooling.FractionalMaxPool2d", "pooling.FractionalMaxPool3d"}
# the private bases that pickles and allow-lists name (nn.modules.batchnorm._BatchNorm, ...)
PRIVATE = {"batchnorm._NormBase", "batchnorm._BatchNorm", "conv._ConvNd",
           "conv._ConvTransposeNd", "dropout._DropoutNd", "instancenorm._InstanceNorm",
           "linear.NonDynamicallyQuantizableLinear", "loss._Loss", "loss._WeightedLoss",
           "padding._ConstantPadNd", "pooling._MaxPoolNd", "pooling._MaxUnpoolNd"}


def _torch_classes():
    torch = need_torch()
    found = set()
    for info in pkgutil.iter_modules(torch.nn.modules.__path__):
        if info.name.startswith("_") or info.name == "utils":
            continue
        module = importlib.import_module(f"torch.nn.modules.{info.name}")
        for name in getattr(module, "__all__", []):
            if inspect.isclass(getattr(module, name, None)):
                found.add(f"{info.name}.{name}")
    return found


def test_every_public_torch_module_class_resolves_at_the_same_path():
    public = _torch_classes()
    missing = []
    for path in sorted((public | PRIVATE) - NOT_HERE):
        sub, name = path.split(".")
        module = importlib.import_module(f"nn.modules.{sub}")
        cls = getattr(module, name, None)
        if cls is None:
            missing.append(path)
            continue
        assert inspect.isclass(cls)
        assert cls.__module__ == f"nn.modules.{sub}", (path, cls.__module__)
        if not name.startswith("_") and name != "NonDynamicallyQuantizableLinear":
            assert getattr(nn, name) is cls, path
    assert missing == [], f"torch.nn.modules classes without a home here: {missing}"
    assert NOT_HERE <= public  # the list of absences names real torch classes


@pytest.mark.parametrize("path", sorted(NOT_HERE))
def test_known_absences_are_still_absent(path):
    """When one of these layers is added to nn, add it to nn/modules/<file>.py and drop it from
    NOT_HERE."""
    assert not hasattr(nn, path.split(".")[1])


def test_named_paths_from_the_issue():
    from nn.modules.activation import MultiheadAttention
    from nn.modules.batchnorm import _BatchNorm
    from nn.modules.container import ModuleList
    from nn.modules.dropout import Dropout
    from nn.modules.linear import Linear, NonDynamicallyQuantizableLinear
    from nn.modules.normalization import LayerNorm
    from nn.modules.rnn import LSTM
    from nn.modules.sparse import Embedding
    from nn.modules.transformer import TransformerEncoderLayer

    assert (Linear, LSTM, Embedding, Dropout, ModuleList, MultiheadAttention, LayerNorm,
            TransformerEncoderLayer) == (nn.Linear, nn.LSTM, nn.Embedding, nn.Dropout,
                                         nn.ModuleList, nn.MultiheadAttention, nn.LayerNorm,
                                         nn.TransformerEncoderLayer)
    assert issubclass(nn.BatchNorm2d, _BatchNorm)
    assert issubclass(NonDynamicallyQuantizableLinear, Linear)
    assert nn.modules.module.Module is nn.Module


def test_plain_pickle_names_the_torch_like_paths():
    data = pickle.dumps(nn.LSTM(2, 3))
    assert b"nn.modules.rnn" in data and b"nn.layers" not in data
    assert isinstance(pickle.loads(data), nn.LSTM)
