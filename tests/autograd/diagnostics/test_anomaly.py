"""detect_anomaly: NaN/Inf in forward or backward raise, naming the op and the user's line."""

import pytest

import autograd as torch
from autograd import debug, engine, function


def test_log_of_zero_names_log_and_the_source_line():
    x = torch.tensor([0.0, 1.0], requires_grad=True)
    with pytest.raises(debug.AnomalyError) as info:
        with torch.detect_anomaly():
            y = x.log().sum()  # the line the error must quote
            y.backward()
    msg = str(info.value)
    assert "LogBackward0" in msg
    assert "returned inf" in msg
    assert "test_anomaly.py" in msg and "y = x.log().sum()  # the line the error must quote" in msg
    assert "(2,)" in msg
    assert "1 -inf of 2 elements" in msg
    assert "clamp" in msg  # the hint for log


def test_where_trap_is_explained_with_a_fix():
    x = torch.tensor([0.0, 2.0, 3.0], requires_grad=True)
    with pytest.raises(debug.AnomalyError) as info:
        with torch.detect_anomaly():
            y = torch.where(x > 0, x.log(), torch.zeros_like(x))
            y.sum().backward()
    msg = str(info.value)
    assert "LogBackward0" in msg and "returned nan" in msg
    assert "`where` trap" in msg
    assert "untaken branch" in msg
    assert "x_safe" in msg
    assert "y = torch.where(x > 0, x.log(), torch.zeros_like(x))" in msg


def test_where_trap_through_a_chain_of_ops():
    x = torch.tensor([0.0, 2.0], requires_grad=True)
    with pytest.raises(debug.AnomalyError) as info:
        with torch.detect_anomaly():
            y = torch.where(x > 0, x.log() * 2.0 + 1.0, torch.zeros_like(x))
            y.sum().backward()
    assert "`where` trap" in str(info.value)


def test_the_safe_where_passes_and_matches_plain_mode():
    def run():
        x = torch.tensor([0.0, 2.0, 3.0], requires_grad=True)
        safe = torch.where(x > 0, x, torch.ones_like(x))
        torch.where(x > 0, safe.log(), torch.zeros_like(x)).sum().backward()
        return x.grad.tolist()

    with torch.detect_anomaly():
        checked = run()
    assert checked == run() == pytest.approx([0.0, 0.5, 1 / 3])


def test_forward_nan_that_flows_on_raises_at_once_naming_its_origin():
    x = torch.tensor([-1.0, 4.0], requires_grad=True)
    with pytest.raises(debug.AnomalyError) as info:
        with torch.detect_anomaly():
            h = x.log()
            h.sum()
    msg = str(info.value)
    assert "forward pass" in msg
    assert "first produced by LogBackward0" in msg and "h = x.log()" in msg


def test_nan_hidden_by_where_in_forward_with_a_finite_gradient_is_not_an_error():
    # log(-1) = nan in the untaken branch, but d/dx log at x=-1 is finite: 0 * (1/-1) = 0
    x = torch.tensor([-1.0, 4.0], requires_grad=True)
    with torch.detect_anomaly():
        torch.where(x > 0, x.log(), torch.zeros_like(x)).sum().backward()
    assert x.grad.tolist() == pytest.approx([0.0, 0.25])


class _Broken(torch.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, grad):
        raise ValueError("backward exploded")


def test_error_inside_backward_gets_the_forward_traceback_as_a_note():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError) as info:
        with torch.detect_anomaly():
            y = _Broken.apply(x)  # created here
            y.sum().backward()
    notes = "\n".join(getattr(info.value, "__notes__", []))
    assert "_BrokenBackward" in notes
    assert "y = _Broken.apply(x)  # created here" in notes


def test_modes_flags_and_hooks_are_restored():
    assert not torch.is_anomaly_enabled()
    with torch.detect_anomaly(check_nan=False):
        assert torch.is_anomaly_enabled()
        assert not torch.is_anomaly_check_nan_enabled()
        assert function._apply_hook is not None and engine._backward_hook is not None
    assert not torch.is_anomaly_enabled() and torch.is_anomaly_check_nan_enabled()
    assert function._apply_hook is None and engine._backward_hook is None
    torch.set_detect_anomaly(True)
    try:
        assert torch.autograd.is_anomaly_enabled()
    finally:
        torch.set_detect_anomaly(False)
    assert function._apply_hook is None
    with torch.autograd.set_detect_anomaly(True):
        assert torch.is_anomaly_enabled()
    assert not torch.is_anomaly_enabled()


def test_check_nan_false_lets_nan_through():
    x = torch.tensor([0.0, 1.0], requires_grad=True)
    with torch.autograd.detect_anomaly(check_nan=False):
        x.log().sum().backward()
    assert x.grad.tolist()[1] == 1.0


def test_decorator_form():
    @torch.detect_anomaly()
    def step(x):
        assert torch.is_anomaly_enabled()
        return (x * x).sum()

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    step(x).backward()
    assert x.grad.tolist() == [2.0, 4.0]
    assert not torch.is_anomaly_enabled()


def test_hook_is_restored_when_an_op_raises_inside_anomaly_mode():
    with torch.detect_anomaly():
        with pytest.raises(RuntimeError):
            torch.ones(2, 3, requires_grad=True) @ torch.ones(2, 3)
        assert function._apply_hook is not None
    assert function._apply_hook is None


def test_masked_fill_trap_is_explained_too():
    x = torch.tensor([0.0, 2.0], requires_grad=True)
    with pytest.raises(debug.AnomalyError, match="`where` trap"):
        with torch.detect_anomaly():
            x.log().masked_fill(x == 0, 0.0).sum().backward()


def test_a_transformer_with_minus_inf_masks_is_not_an_anomaly():
    import nn

    torch.manual_seed(0)
    layer = nn.TransformerEncoderLayer(8, 2, 16, batch_first=True)
    causal = torch.triu(torch.full((4, 4), float("-inf")), diagonal=1)
    padding = torch.tensor([[False, False, False, False], [False, False, True, True]])
    x = torch.randn(2, 4, 8, requires_grad=True)
    with torch.detect_anomaly():
        layer(x, src_mask=causal, src_key_padding_mask=padding).sum().backward()
    assert x.grad is not None and bool(torch.isfinite(x.grad).all())


def test_ops_made_inside_a_layer_name_the_users_line_and_the_layers_line():
    import nn

    lin = nn.Linear(2, 2)
    with torch.no_grad():
        lin.weight.fill_(float("nan"))
    x = torch.ones(1, 2, requires_grad=True)
    with pytest.raises(debug.AnomalyError) as info:
        with torch.detect_anomaly():
            lin(x).sum()  # user line
    msg = str(info.value)
    assert "lin(x).sum()  # user line" in msg
    assert "leaf tensor that already contains nan" in msg
    assert "inside nn/" in msg  # the line in the library that made the op


def test_where_trap_with_an_infinite_slope_but_finite_value():
    # sqrt(0) = 0 is fine, but its slope is infinite: 0 * inf = nan through the untaken branch
    x = torch.tensor([0.0, 4.0], requires_grad=True)
    with pytest.raises(debug.AnomalyError) as info:
        with torch.detect_anomaly():
            torch.where(x > 0, x.sqrt(), torch.zeros_like(x)).sum().backward()
    msg = str(info.value)
    assert "SqrtBackward0" in msg and "`where` trap" in msg and "did not select" in msg
