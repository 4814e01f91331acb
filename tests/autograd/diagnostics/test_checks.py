"""check_gradients (the notes' model-level check), audit_graph (per-op check) and grad_report."""

import numpy as np
import pytest

import autograd as torch
import nn
from autograd import debug


class SquareWrongBackward(torch.Function):
    """x**2 with a backward that forgets the factor 2."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * x


class SquareRightBackward(torch.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 2 * x


class TwoLayer(nn.Module):
    """A hand-built MLP (parameters only, so the test depends on the core alone)."""

    def __init__(self, square=None):
        super().__init__()
        torch.manual_seed(0)
        self.w1 = nn.Parameter(torch.randn(4, 5) * 0.5)
        self.b1 = nn.Parameter(torch.randn(5) * 0.1)
        self.w2 = nn.Parameter(torch.randn(5, 3) * 0.5)
        self.square = square

    def forward(self, x):
        h = (x @ self.w1 + self.b1).tanh()
        if self.square is not None:
            h = self.square.apply(h)
        return h @ self.w2


def mse(out, target):
    return ((out - target) ** 2).mean()


@pytest.fixture
def data():
    torch.manual_seed(1)
    return torch.randn(6, 4), torch.randn(6, 3)


def test_check_gradients_passes_on_a_correct_model_and_leaves_it_untouched(data):
    x, y = data
    model = TwoLayer(SquareRightBackward)
    before = {n: p.detach().numpy().copy() for n, p in model.named_parameters()}
    report = debug.check_gradients(model, mse, x, target=y)
    assert report.passed and report.verdict == "fine"
    assert report.relative_error < 1e-6
    assert [p.name for p in report.parameters] == ["w1", "b1", "w2"]
    assert sum(p.checked for p in report.parameters) == 20 + 5 + 15
    for n, p in model.named_parameters():
        assert p.dtype == np.float32 and p.grad is None
        np.testing.assert_array_equal(p.detach().numpy(), before[n])
    text = str(report)
    assert "fine" in text and "w1" in text


def test_check_gradients_catches_a_wrong_custom_function_and_names_the_parameter(data):
    x, y = data
    report = debug.check_gradients(TwoLayer(SquareWrongBackward), mse, x, target=y)
    assert not report.passed and report.verdict == "bug"
    assert report.relative_error > 1e-3
    # the wrong factor sits after layer 1, so layer 1's parameters are the ones that differ
    assert report.worst.name in ("w1", "b1")
    assert report.parameters[2].relative_error < 1e-6  # w2's gradient does not pass through it
    assert "bug" in str(report) and "largest difference" in str(report)


def test_check_gradients_turns_dropout_off_and_can_sample(data):
    x, y = data

    class WithDropout(TwoLayer):
        def __init__(self):
            super().__init__()
            self.drop = nn.Dropout(0.5) if hasattr(nn, "Dropout") else None

        def forward(self, x):
            h = (x @ self.w1 + self.b1).tanh()
            if self.drop is not None:
                h = self.drop(h)
            return h @ self.w2

    model = WithDropout()
    report = debug.check_gradients(model, mse, x, target=y, max_per_parameter=3)
    assert report.passed
    assert [p.checked for p in report.parameters] == [3, 3, 3]
    assert model.training


def test_check_gradients_rejects_non_scalar_losses(data):
    x, _ = data
    with pytest.raises(ValueError, match="one-element"):
        debug.check_gradients(TwoLayer(), lambda out: out * 2, x)


def test_verdict_thresholds_follow_the_notes():
    assert debug.relative_error_verdict(1e-8) == "fine"
    assert debug.relative_error_verdict(1e-7) == "fine"
    assert debug.relative_error_verdict(1e-5) == "look closer"
    assert debug.relative_error_verdict(1e-3) == "bug"
    assert debug.relative_error_verdict(float("nan")) == "bug"


def test_audit_graph_names_the_broken_op_and_its_line(data):
    x, y = data
    model = TwoLayer(SquareWrongBackward)
    with debug.record(model):
        loss = mse(model(x), y)
    report = debug.audit_graph(loss)
    assert not report.passed
    wrong = report.first_wrong
    assert wrong.op == "SquareWrongBackwardBackward"
    assert "test_checks.py" in wrong.where
    assert "h = self.square.apply(h)" in wrong.where
    others = [r for r in report.rows if r is not wrong]
    assert others and all(r.status in ("fine", "look closer") for r in others)
    assert "first wrong backward: SquareWrongBackwardBackward" in str(report)


def test_audit_graph_passes_a_correct_graph_and_accepts_a_function(data):
    x, y = data
    model = TwoLayer(SquareRightBackward)
    report = debug.audit_graph(lambda a, b: mse(model(a), b), x, y)
    assert report.passed, str(report)
    ops = [r.op for r in report.rows]
    assert "SquareRightBackwardBackward" in ops and "TanhBackward0" in ops
    assert all(r.relative_error is not None and r.relative_error < 1e-6 for r in report.rows)


def test_audit_graph_needs_a_recorded_graph(data):
    x, y = data
    loss = mse(TwoLayer()(x), y)
    with pytest.raises(ValueError, match="record"):
        debug.audit_graph(loss)


def test_grad_report_flags_a_vanishing_layer(data):
    x, y = data
    model = TwoLayer()
    with torch.no_grad():
        model.w1.mul_(1e-4)  # tiny first layer: its output barely moves the loss
    mse(model(x * 0.0 + 1e-6), y).backward()
    report = debug.grad_report(model, lr=0.1)
    names = {r.name: r for r in report.rows}
    assert names["w1"].flag.startswith("vanishing")
    assert names["w2"].flag == ""
    assert names["w2"].update_ratio == pytest.approx(
        0.1 * np.linalg.norm(model.w2.grad.data) / np.linalg.norm(model.w2.data), rel=1e-5)
    assert "vanishing" in str(report)


def test_grad_report_notes_missing_and_non_finite_gradients(data):
    model = TwoLayer()
    model.w1.grad = torch.full((4, 5), float("inf"))
    report = debug.grad_report(model)
    flags = {r.name: r.flag for r in report.rows}
    assert flags["w1"].startswith("not finite")
    assert flags["b1"] == "no gradient"


def test_plot_grad_flow_draws_one_bar_pair_per_weight(data):
    plt = pytest.importorskip("matplotlib.pyplot")
    x, y = data
    model = TwoLayer()
    mse(model(x), y).backward()
    ax = debug.plot_grad_flow(model)
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["w1", "w2"]
    assert len(ax.patches) == 4
    plt.close(ax.figure)


class SquareModule(nn.Module):
    """Wraps a custom Function as a layer, the way users put one inside a real model."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, x):
        return self.fn.apply(x)


def real_model(fn):
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 6), nn.Tanh(), SquareModule(fn), nn.Linear(6, 2))


def test_wrong_custom_function_inside_an_nn_model_is_caught_by_both_checks(data):
    x, _ = data
    y = torch.randn(6, 2)
    bad = real_model(SquareWrongBackward)
    assert debug.check_gradients(bad, mse, x, target=y).verdict == "bug"
    assert debug.check_gradients(real_model(SquareRightBackward), mse, x, target=y).passed
    with debug.record(bad):
        loss = mse(bad(x), y)
    report = debug.audit_graph(loss)
    assert report.first_wrong.op == "SquareWrongBackwardBackward"
    assert "return self.fn.apply(x)" in report.first_wrong.where
    assert [r.op for r in report.rows if r.status == "bug"] == ["SquareWrongBackwardBackward"]


def test_audit_of_a_cnn_reports_relu_pool_ties_as_kinks_not_bugs():
    torch.manual_seed(0)
    cnn = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                        nn.Linear(36, 2))
    report = debug.audit_graph(lambda x: (cnn(x) ** 2).mean(), torch.randn(2, 1, 8, 8))
    assert report.passed, str(report)
    assert len(report.rows) >= 8
    assert all(r.status in ("fine", "look closer") or r.status.startswith("kink")
               for r in report.rows)


def test_check_gradients_on_an_nn_model_with_a_weighted_loss_module(data):
    x, _ = data
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Dropout(0.3), nn.Linear(8, 3))
    loss_fn = nn.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0, 0.5]))
    report = debug.check_gradients(model, loss_fn, x, target=torch.tensor([0, 1, 2, 0, 1, 2]))
    assert report.verdict == "fine", str(report)
    assert [p.name for p in report.parameters] == ["0.weight", "0.bias", "3.weight", "3.bias"]
    assert loss_fn.weight.dtype == np.float32 and model[0].weight.dtype == np.float32
