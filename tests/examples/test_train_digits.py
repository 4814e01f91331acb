"""The main job runs end to end and leaves its artifacts (a short run; CI runs the full one with
the accuracy gate)."""

import csv

from examples import train_digits


def test_main_job_short_run_produces_every_artifact(tmp_path, capsys):
    result = train_digits.main(["--epochs", "3", "--seed", "0", "--out", str(tmp_path), "--quiet"])
    out = capsys.readouterr().out
    assert result["test_acc"] > 0.8
    assert result["reload_identical"]
    assert result["grad_rel_error"] < 1e-5
    svg = result["graph"].read_text()
    assert result["graph"].name == "graph.svg" and "<svg" in svg and "Conv2d" in svg
    assert result["curves"].read_bytes()[:4] == b"\x89PNG"
    assert result["checkpoint"].exists()
    with open(result["metrics"], newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["epoch"] for r in rows] == ["1", "2", "3"]
    assert set(rows[0]) == {"epoch", "train_loss", "dev_loss", "dev_acc", "lr"}
    assert "test accuracy" in result["summary"].read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "curves.png", "graph.svg", "graph.txt", "metrics.csv", "model.ckpt", "summary.txt"]
    assert "test accuracy" in out and "gradient check" in out
    # the graph's text tree goes to a file that the output names, not to stdout
    assert "CrossEntropy" in result["graph_text"].read_text() or \
        "NllLoss" in result["graph_text"].read_text()
    assert str(result["graph_text"]) in out and "└─" not in out


def test_printed_learning_rate_is_the_one_each_epoch_trained_with(tmp_path, capsys):
    train_digits.main(["--epochs", "2", "--out", str(tmp_path), "--quiet"])
    epoch_lines = [line for line in capsys.readouterr().out.splitlines()
                   if line.startswith("epoch ")]
    # cosine over 2 epochs: 3e-3 for the first, 1.5e-3 for the second (never the final 0)
    assert epoch_lines[0].endswith("lr 3.00e-03") and epoch_lines[1].endswith("lr 1.50e-03")


def test_a_one_epoch_demo_run_succeeds_and_the_gate_is_a_flag(tmp_path, capsys):
    assert train_digits.run(["--epochs", "1", "--out", str(tmp_path), "--quiet"]) == 0
    capsys.readouterr()
    assert train_digits.run(["--epochs", "1", "--out", str(tmp_path), "--quiet",
                             "--min-accuracy", "0.999"]) == 1
    assert "below --min-accuracy 99.90%" in capsys.readouterr().out
