"""EarlyStopping and the progress bar."""

import io

import pytest

from autograd.utils.training import EarlyStopping, ProgressBar, progress_bar


class _Model:
    """Just enough of a Module: a state_dict to copy and load."""

    def __init__(self):
        self.weights = {"w": 0.0}

    def state_dict(self):
        return self.weights

    def load_state_dict(self, state):
        self.weights = dict(state)


def test_early_stopping_waits_patience_epochs_then_restores_the_best():
    model, stopper = _Model(), EarlyStopping(patience=2, min_delta=0.01)
    losses = [1.0, 0.8, 0.795, 0.85, 0.9]
    stops = []
    for epoch, loss in enumerate(losses):
        model.weights["w"] = float(epoch)
        stops.append(stopper.step(loss, model))
    # 0.795 is not better than 0.8 by more than min_delta: bad epochs are 2, 3, 4
    assert stops == [False, False, False, False, True]
    assert stopper.best == 0.8 and stopper.best_epoch == 1
    assert model.weights == {"w": 1.0}


def test_early_stopping_max_mode_and_explicit_restore():
    model, stopper = _Model(), EarlyStopping(patience=0, mode="max", restore_best_weights=False)
    model.weights["w"] = 1.0
    assert not stopper.step(0.5, model)
    model.weights["w"] = 2.0
    assert stopper.step(0.4, model) and model.weights == {"w": 2.0}
    stopper.restore(model)
    assert model.weights == {"w": 1.0}
    with pytest.raises(ValueError, match="mode"):
        EarlyStopping(mode="lowest")
    with pytest.raises(RuntimeError, match="no best state"):
        EarlyStopping().restore(model)


def test_progress_bar_prints_one_updating_line():
    out = io.StringIO()
    bar = ProgressBar(range(4), desc="epoch 1", file=out, width=4, min_interval=0)
    for i in bar:
        bar.set_postfix(loss=1.0 / (i + 1))
    text = out.getvalue()
    assert text.endswith("\n") and text.count("\n") == 1
    assert text.split("\r")[-1] == "epoch 1 4/4 [####] 100% loss=0.25\n"


def test_progress_bar_disabled_prints_nothing():
    out = io.StringIO()
    items = list(progress_bar(range(3), disable=True, use_tqdm=False, file=out))
    assert items == [0, 1, 2] and out.getvalue() == ""


def test_progress_bar_without_length_counts_items():
    out = io.StringIO()
    bar = ProgressBar(iter(range(3)), file=out, min_interval=0)
    assert list(bar) == [0, 1, 2] and out.getvalue().split("\r")[-1] == "3 it\n"
