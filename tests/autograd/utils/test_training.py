"""EarlyStopping, the progress bar and the History/CSV logger."""

import io

import pytest

from autograd.utils.training import EarlyStopping, History, ProgressBar, progress_bar


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


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_prints_one_updating_line_on_a_terminal():
    out = _Terminal()
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


def test_progress_bar_writes_clean_lines_when_not_a_terminal():
    out = io.StringIO()                      # a CI log or a file: no \r pile-up
    for epoch in (1, 2):
        bar = ProgressBar(range(50), desc=f"epoch {epoch}", file=out, width=4, min_interval=0)
        for i in bar:
            bar.set_postfix(loss=1.0 / (i + 1))
    assert "\r" not in out.getvalue()
    assert out.getvalue().splitlines() == ["epoch 1 50/50 [####] 100% loss=0.02",
                                           "epoch 2 50/50 [####] 100% loss=0.02"]


def test_progress_bar_off_a_terminal_logs_a_heartbeat_line_for_long_loops(monkeypatch):
    clock = iter(range(0, 1000, 20))         # every call to the clock is 20 s later
    monkeypatch.setattr("autograd.utils.training.time.monotonic", lambda: next(clock))
    out = io.StringIO()
    list(ProgressBar(range(4), file=out, width=4, log_interval=30))
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue() and 2 <= len(lines) <= 3
    assert lines[-1] == "4/4 [####] 100%"


def test_progress_bar_without_length_counts_items():
    out = _Terminal()
    bar = ProgressBar(iter(range(3)), file=out, min_interval=0)
    assert list(bar) == [0, 1, 2] and out.getvalue().split("\r")[-1] == "3 it\n"


def test_history_writes_a_csv_after_every_epoch_and_reads_it_back(tmp_path):
    import autograd as torch

    path = tmp_path / "metrics.csv"
    history = History(path)
    history.log(epoch=1, train_loss=0.9, dev_acc=0.5)
    assert path.read_text().splitlines() == ["epoch,train_loss,dev_acc", "1,0.9,0.5"]
    history.log(epoch=2, train_loss=torch.tensor(0.25), dev_acc=0.75, lr=0.001)
    assert path.read_text().splitlines() == ["epoch,train_loss,dev_acc,lr", "1,0.9,0.5,",
                                             "2,0.25,0.75,0.001"]
    assert history["train_loss"] == [0.9, 0.25] and history["lr"] == [None, 0.001]
    assert len(history) == 2
    again = History.read_csv(path)
    assert again.rows == [{"epoch": 1, "train_loss": 0.9, "dev_acc": 0.5},
                          {"epoch": 2, "train_loss": 0.25, "dev_acc": 0.75, "lr": 0.001}]
    with pytest.raises(KeyError, match="no metric 'acc'"):
        history["acc"]


def test_history_plot_draws_one_panel_per_kind_of_metric(tmp_path):
    pytest.importorskip("matplotlib")
    history = History()
    with pytest.raises(ValueError, match="nothing logged"):
        history.plot()
    for epoch in range(1, 4):
        history.log(epoch=epoch, train_loss=1 / epoch, dev_loss=1.2 / epoch, dev_acc=0.3 * epoch)
    fig = history.plot(tmp_path / "curves.png")
    assert [ax.get_title() for ax in fig.axes] == ["loss", "acc"]
    assert [line.get_label() for line in fig.axes[0].get_lines()] == ["train_loss", "dev_loss"]
    assert list(fig.axes[1].get_lines()[0].get_xdata()) == [1, 2, 3]
    assert (tmp_path / "curves.png").read_bytes()[:4] == b"\x89PNG"
    history.plot(tmp_path / "curves.svg")
    assert "<svg" in (tmp_path / "curves.svg").read_text()
