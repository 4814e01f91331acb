"""The main job runs end to end and leaves its artifacts (a short run; CI runs the full one)."""

from examples import train_digits


def test_main_job_short_run_produces_every_artifact(tmp_path, capsys):
    result = train_digits.main(["--epochs", "3", "--seed", "1", "--out", str(tmp_path), "--quiet"])
    out = capsys.readouterr().out
    assert result["test_acc"] > 0.8
    assert result["reload_identical"]
    assert result["grad_rel_error"] < 1e-5
    assert result["graph"].exists() and result["curves"].exists()
    assert result["checkpoint"].exists()
    assert "test accuracy" in out and "gradient check" in out
