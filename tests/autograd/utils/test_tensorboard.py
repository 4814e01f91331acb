"""autograd.utils.tensorboard.SummaryWriter writes what torch's SummaryWriter writes: the event
files are read back with TensorBoard's own reader and compared with torch's."""

import numpy as np
import pytest

pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator  # noqa: E402

import autograd as ag  # noqa: E402
import nn  # noqa: E402
from autograd.utils.tensorboard import SummaryWriter  # noqa: E402


def _read(log_dir) -> EventAccumulator:
    acc = EventAccumulator(str(log_dir), size_guidance={"histograms": 0, "scalars": 0})
    acc.Reload()
    return acc


def _log(writer_cls, log_dir, values):
    with writer_cls(str(log_dir)) as w:
        for step in range(3):
            w.add_scalar("loss/train", 1.0 / (step + 1), step)
            w.add_scalars("acc", {"train": 0.5 + 0.1 * step, "dev": 0.4 + 0.1 * step}, step)
        w.add_histogram("weights", values, global_step=2)
        w.add_histogram("weights_10", values, global_step=2, bins=10)
        w.add_text("note", "hello **tensorboard**", 0)


def _scalars(acc, tag):
    return [(e.step, round(e.value, 6)) for e in acc.Scalars(tag)]


def test_scalars_histograms_and_text_read_back(tmp_path):
    values = np.random.default_rng(0).normal(size=500).astype(np.float32)
    _log(SummaryWriter, tmp_path, ag.tensor(values))
    acc = _read(tmp_path)
    assert _scalars(acc, "loss/train") == [(0, 1.0), (1, 0.5), (2, 0.333333)]
    h = acc.Histograms("weights")[0]
    assert h.step == 2 and h.histogram_value.num == 500
    assert h.histogram_value.sum == pytest.approx(float(values.sum()), rel=1e-5)
    assert sum(h.histogram_value.bucket) == 500
    assert sum(acc.Histograms("weights_10")[0].histogram_value.bucket) == 500
    runs = sorted(p.name for p in tmp_path.iterdir() if p.is_dir())
    assert runs == ["acc_dev", "acc_train"]
    assert _scalars(_read(tmp_path / "acc_dev"), "acc") == [(0, 0.4), (1, 0.5), (2, 0.6)]
    assert "note/text_summary" in acc.Tags()["tensors"]


def test_matches_torch_summary_writer(tmp_path):
    torch = pytest.importorskip("torch")
    from torch.utils.tensorboard import SummaryWriter as TorchWriter

    rng = np.random.default_rng(1)
    values = rng.normal(size=300).astype(np.float32)
    _log(SummaryWriter, tmp_path / "ours", ag.tensor(values))
    _log(TorchWriter, tmp_path / "torch", torch.tensor(values))
    ours, theirs = _read(tmp_path / "ours"), _read(tmp_path / "torch")
    assert ours.Tags()["scalars"] == theirs.Tags()["scalars"]
    assert _scalars(ours, "loss/train") == _scalars(theirs, "loss/train")
    for run in ("acc_dev", "acc_train"):
        assert _scalars(_read(tmp_path / "ours" / run), "acc") == \
            _scalars(_read(tmp_path / "torch" / run), "acc")
    for tag in ("weights", "weights_10"):
        a = ours.Histograms(tag)[0].histogram_value
        b = theirs.Histograms(tag)[0].histogram_value
        for field in ("min", "max", "num", "sum", "sum_squares"):
            assert getattr(a, field) == pytest.approx(getattr(b, field), rel=1e-5), field
        assert sum(a.bucket) == sum(b.bucket)
    b10 = theirs.Histograms("weights_10")[0].histogram_value
    a10 = ours.Histograms("weights_10")[0].histogram_value
    assert list(a10.bucket) == list(b10.bucket)
    assert np.allclose(a10.bucket_limit, b10.bucket_limit)


def test_add_graph_names_ops_by_module(tmp_path):
    ag.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten(), nn.Linear(8, 3))
    with SummaryWriter(str(tmp_path)) as w:
        w.add_graph(model, ag.randn(1, 1, 4, 4))
    graph = _read(tmp_path).Graph()
    by_name = {n.name: n for n in graph.node}
    assert by_name["0/Conv2d"].op == "Conv2d"
    assert set(by_name["0/Conv2d"].input) == {"0/weight", "0/bias"}
    assert any(name.startswith("3/") for name in by_name)
    assert by_name["0/Conv2d"].attr["_output_shapes"].list.shape[0].dim[1].size == 2


def test_default_log_dir_and_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    w = SummaryWriter(comment="_lr0.1")
    assert w.get_logdir().startswith("runs") and w.get_logdir().endswith("_lr0.1")
    with pytest.raises(ValueError, match="no element"):
        w.add_histogram("empty", np.zeros(0))
    w.close()
    assert list((tmp_path / w.get_logdir()).glob("events.out.tfevents.*"))
