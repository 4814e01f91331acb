"""The copy-from examples run with tiny settings and reach a stated metric."""

import pathlib
import subprocess
import sys

from examples import char_lstm, mlp_digits, tiny_transformer

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_mlp_digits_reaches_85_percent_test_accuracy_in_3_epochs(capsys):
    result = mlp_digits.main(["--epochs", "3", "--seed", "1", "--quiet"])
    assert result["test_acc"] > 0.85
    assert "test accuracy" in capsys.readouterr().out


def test_char_lstm_beats_character_frequencies_and_samples(capsys):
    result = char_lstm.main(["--epochs", "4", "--seed", "0", "--sample-length", "40",
                             "--quiet"])
    # a model of single-character frequencies alone scores about 4.3 bits/char on this corpus
    assert result["val_bpc"] < 3.6 < result["uniform_bpc"]
    assert result["sample"].startswith("The ") and len(result["sample"]) == 4 + 40
    out = capsys.readouterr().out
    assert "bits per character" in out and result["sample"] in out


def test_tiny_transformer_reverses_most_held_out_sequences(capsys):
    result = tiny_transformer.main(["--epochs", "3", "--train-size", "2000", "--seed", "0",
                                    "--quiet"])
    assert result["seq_acc"] > 0.9
    assert result["token_acc"] > 0.98
    assert "reversed exactly" in capsys.readouterr().out


def test_examples_run_as_scripts_with_their_flags():
    out = subprocess.run([sys.executable, "-m", "examples.mlp_digits", "--epochs", "1",
                          "--seed", "0", "--quiet"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    assert out.startswith("test accuracy: ")
