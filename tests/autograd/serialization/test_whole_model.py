"""Whole modules saved and loaded as PyTorch 2.6+ does: pickled with their classes, refused by a
weights-only load until the classes are allowed, working after the round trip; whole models
pickled by PyTorch load here with the same allow-list."""

import io

import numpy as np
import pytest

import autograd
import nn
import optim
from autograd import serialization
from autograd.serialization import WeightsOnlyError, load, save
from tests.helpers.torch_ref import need_torch


class LanguageModel(nn.Module):
    """The word-language-model shape: embedding, LSTM, dropout, decoder."""

    def __init__(self, ntoken=10, ninp=4, nhid=5):
        super().__init__()
        self.drop = nn.Dropout(0.2)
        self.encoder = nn.Embedding(ntoken, ninp)
        self.rnn = nn.LSTM(ninp, nhid, 2)
        self.decoder = nn.Linear(nhid, ntoken)

    def forward(self, tokens):
        out, _ = self.rnn(self.drop(self.encoder(tokens)))
        return self.decoder(self.drop(out))


ALLOWED = [LanguageModel, nn.modules.dropout.Dropout, nn.modules.sparse.Embedding,
           nn.modules.rnn.LSTM, nn.modules.linear.Linear]


def _bytes(model) -> bytes:
    buf = io.BytesIO()
    save(model, buf)
    return buf.getvalue()


def test_whole_model_is_refused_by_default_with_torchs_hint():
    with pytest.raises(WeightsOnlyError) as info:
        load(io.BytesIO(_bytes(nn.Sequential(nn.Linear(2, 2)))))
    assert ("GLOBAL nn.modules.container.Sequential was not an allowed global by default"
            in str(info.value))
    assert "safe_globals([nn.modules.container.Sequential])" in str(info.value)


def test_whole_model_round_trip_with_safe_globals(tmp_path):
    model = LanguageModel()
    model.eval()
    path = tmp_path / "model.pt"
    with open(path, "wb") as f:
        save(model, f)
    with open(path, "rb") as f, serialization.safe_globals(ALLOWED):
        back = load(f)
    assert type(back) is LanguageModel and not back.training
    back.rnn.flatten_parameters()  # a no-op here, as it is on PyTorch's CPU
    tokens = autograd.tensor(np.array([[1, 2], [3, 4], [5, 6]]))
    np.testing.assert_array_equal(back(tokens).detach().numpy(),
                                  model(tokens).detach().numpy())
    assert all(isinstance(p, nn.Parameter) for p in back.parameters())
    assert [n for n, _ in back.named_parameters()] == [n for n, _ in model.named_parameters()]


def test_loaded_model_trains():
    with serialization.safe_globals(ALLOWED):
        model = load(io.BytesIO(_bytes(LanguageModel())))
    opt = optim.SGD(model.parameters(), lr=0.1)
    tokens = autograd.tensor(np.array([[1, 2], [3, 4]]))
    before = model.decoder.weight.detach().numpy().copy()
    model(tokens).sum().backward()
    opt.step()
    assert not np.array_equal(before, model.decoder.weight.detach().numpy())


def test_weights_only_false_loads_whole_model():
    back = load(io.BytesIO(_bytes(LanguageModel())), weights_only=False)
    assert isinstance(back.rnn, nn.LSTM)


def test_transformer_round_trip_with_the_examples_allow_list():
    import nn.functional as F

    model = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0), 2)
    model.eval()
    allowed = [F.relu, nn.modules.activation.MultiheadAttention,
               nn.modules.container.ModuleList, nn.modules.dropout.Dropout,
               nn.modules.linear.Linear, nn.modules.linear.NonDynamicallyQuantizableLinear,
               nn.modules.normalization.LayerNorm, nn.modules.transformer.TransformerEncoder,
               nn.modules.transformer.TransformerEncoderLayer]
    with serialization.safe_globals(allowed):
        back = load(io.BytesIO(_bytes(model)))
    x = autograd.randn(5, 2, 8)
    np.testing.assert_allclose(back(x).detach().numpy(), model(x).detach().numpy(), rtol=1e-6)


def test_modules_pickle_under_pytorchs_paths():
    import pickletools
    import zipfile
    data = zipfile.ZipFile(io.BytesIO(_bytes(nn.Sequential(nn.LSTM(2, 3))))).read(
        "archive/data.pkl")
    globals_named = {arg for op, arg, _ in pickletools.genops(data) if op.name == "GLOBAL"}
    assert {"nn.modules.container Sequential", "nn.modules.rnn LSTM",
            "torch._utils _rebuild_parameter", "torch._utils _rebuild_tensor_v2",
            "torch FloatStorage", "collections OrderedDict"} <= globals_named


def test_whole_model_pickled_by_torch_loads_here_and_gives_its_outputs():
    torch = need_torch()
    torch.manual_seed(0)
    ref = torch.nn.Sequential(torch.nn.Embedding(10, 4), torch.nn.LSTM(4, 5, batch_first=True))
    buf = io.BytesIO()
    torch.save(ref, buf)
    with serialization.safe_globals([nn.Sequential, nn.Embedding, nn.LSTM]):
        ours = load(io.BytesIO(buf.getvalue()))
    assert type(ours[1]) is nn.LSTM
    ours[1].flatten_parameters()
    x = np.array([[1, 2, 3], [4, 5, 6]])
    np.testing.assert_allclose(ours(autograd.tensor(x))[0].detach().numpy(),
                               ref(torch.tensor(x))[0].detach().numpy(), rtol=1e-5, atol=1e-6)


def test_torch_pickled_transformer_loads_with_torch_spelled_allow_list():
    torch = need_torch()
    import nn.functional as F

    ref = torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0),
                                      1, enable_nested_tensor=False)
    ref.eval()
    buf = io.BytesIO()
    torch.save(ref, buf)
    # after `import autograd as torch`, the example's list reads torch.nn.functional.relu, ...
    allowed = [F.relu, nn.modules.activation.MultiheadAttention,
               nn.modules.container.ModuleList, nn.modules.dropout.Dropout,
               nn.modules.linear.Linear, nn.modules.linear.NonDynamicallyQuantizableLinear,
               nn.modules.normalization.LayerNorm, nn.modules.transformer.TransformerEncoder,
               nn.modules.transformer.TransformerEncoderLayer]
    with serialization.safe_globals(allowed):
        ours = load(io.BytesIO(buf.getvalue()))
    x = np.random.default_rng(0).normal(size=(5, 2, 8)).astype(np.float32)
    np.testing.assert_allclose(ours(autograd.tensor(x)).detach().numpy(),
                               ref(torch.tensor(x)).detach().numpy(), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("protocol", [2, 4])
def test_get_unsafe_globals_in_checkpoint_lists_what_to_allow(protocol):
    buf = io.BytesIO()
    save(LanguageModel(), buf, pickle_protocol=protocol)
    unsafe = serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(buf.getvalue()))
    assert sorted(unsafe) == sorted([f"{__name__}.LanguageModel", "nn.modules.dropout.Dropout",
                                     "nn.modules.sparse.Embedding", "nn.modules.rnn.LSTM",
                                     "nn.modules.linear.Linear"])
    with serialization.safe_globals([LanguageModel, nn.LSTM]):
        assert len(serialization.get_unsafe_globals_in_checkpoint(
            io.BytesIO(buf.getvalue()))) == 3
    with serialization.safe_globals(ALLOWED):
        assert serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(buf.getvalue())) == []


def test_get_unsafe_globals_agrees_with_torch():
    torch = need_torch()
    ref = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU())
    buf = io.BytesIO()
    torch.save(ref, buf)
    theirs = torch.serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(buf.getvalue()))
    ours = serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(buf.getvalue()))
    assert sorted(ours) == sorted(theirs)
