"""nn.summary: a Keras-style table built from forward hooks, returned for inspection."""

import autograd
import nn


class Small(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.BatchNorm1d(16))
        self.drop = nn.Dropout(0.5)
        self.head = nn.Linear(16, 3)

    def forward(self, x):
        return self.head(self.drop(self.features(x)))


def test_summary_rows_shapes_and_counts(capsys):
    model = Small()
    model.head.weight.requires_grad_(False)
    info = nn.summary(model, (4, 8))
    printed = capsys.readouterr().out
    assert [layer.name for layer in info.layers] == [
        "features", "features.0", "features.1", "features.2", "drop", "head"]
    assert [layer.output_shape for layer in info.layers] == [
        (4, 16), (4, 16), (4, 16), (4, 16), (4, 16), (4, 3)]
    assert [layer.num_params for layer in info.layers] == [0, 144, 0, 32, 0, 51]
    assert info.total_params == 144 + 32 + 51
    assert info.trainable_params == 144 + 32 + 3
    assert info.non_trainable_params == 48
    assert info.output_shape == (4, 3)
    assert 'Model: "Small"' in printed and "features.0 (Linear)" in printed
    assert "Total params: 227" in printed and "Non-trainable params: 48" in printed


def test_summary_leaves_modes_statistics_and_hooks_untouched():
    model = Small()
    model.features.eval()
    nn.summary(model, (4, 8), verbose=False)
    assert model.training and not model.features.training and model.head.training
    assert int(model.features[2].num_batches_tracked) == 0
    assert all(not m._forward_hooks and not m._forward_pre_hooks for m in model.modules())


def test_summary_with_several_inputs_dtypes_and_tuple_outputs():
    class Pair(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(10, 4)
            self.lin = nn.Linear(4, 2)

        def forward(self, idx, x):
            return self.emb(idx), self.lin(x)

    info = nn.summary(Pair(), [(3, 5), (3, 4)], dtypes=[autograd.int64, autograd.float32],
                      verbose=False)
    assert info.input_shapes == [(3, 5), (3, 4)]
    assert info.output_shape == [(3, 5, 4), (3, 2)]
    assert str(info).count("\n") > 5


def test_summary_accepts_input_data():
    info = nn.summary(nn.Linear(3, 2), input_data=autograd.randn(7, 3), verbose=False)
    assert info.output_shape == (7, 2)
    assert [(layer.label, layer.num_params) for layer in info.layers] == [("Linear", 8)]
    assert info.total_params == 8
