"""A character-level LSTM language model on the bundled text corpus, sampling at the end.

    python -m examples.char_lstm [--epochs 20] [--seed 0] [--text my.txt] [--temperature 0.8]

Each epoch cuts the text into windows of ``--seq-len`` characters in a random order and trains
the model to predict every next character (cross-entropy, Adam, gradient-norm clipping). The
final metric is the held-out loss in bits per character on the last 10% of the text; then the
model writes ``--sample-length`` characters of its own, starting from ``--prompt``.
"""

from __future__ import annotations

import argparse
import math
import pathlib

import autograd as torch
import nn
import nn.functional as F
import optim
from autograd.utils.data import load_text_corpus


class CharLSTM(nn.Module):
    """Embedding -> LSTM -> Linear over the vocabulary, carrying (h, c) between calls."""

    def __init__(self, vocab_size: int, embed: int = 32, hidden: int = 128,
                 num_layers: int = 1) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed)
        self.lstm = nn.LSTM(embed, hidden, num_layers=num_layers, batch_first=True)
        self.head = nn.Linear(hidden, vocab_size)

    def forward(self, idx, state=None):
        out, state = self.lstm(self.embed(idx), state)
        return self.head(out), state


def windows(data, seq_len: int, order) -> tuple:
    """Inputs and next-character targets for the windows starting at ``order * seq_len``."""
    starts = [i * seq_len for i in order]
    xb = torch.stack([data[s:s + seq_len] for s in starts])
    yb = torch.stack([data[s + 1:s + seq_len + 1] for s in starts])
    return xb, yb


def bits_per_char(model: nn.Module, data, seq_len: int) -> float:
    """Mean next-character cross-entropy over ``data``, in bits."""
    model.eval()
    n = (len(data) - 1) // seq_len
    with torch.no_grad():
        xb, yb = windows(data, seq_len, range(n))
        logits, _ = model(xb)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), yb.reshape(-1))
    model.train()
    return loss.item() / math.log(2)


def sample(model: nn.Module, prompt: str, length: int, stoi: dict, itos: list,
           temperature: float = 0.8, generator=None) -> str:
    """Continue ``prompt`` by ``length`` characters drawn from the softmax at ``temperature``."""
    model.eval()
    text = prompt
    with torch.no_grad():
        logits, state = model(torch.tensor([[stoi[c] for c in prompt]]))
        for _ in range(length):
            probs = F.softmax(logits[0, -1] / temperature, dim=0)
            nxt = torch.multinomial(probs, 1, generator=generator).item()
            text += itos[nxt]
            logits, state = model(torch.tensor([[nxt]]), state)
    model.train()
    return text


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line flags (epochs, seed, data, model size, sampling)."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--text", type=pathlib.Path, default=None,
                   help="a UTF-8 text file to train on (default: the bundled corpus)")
    p.add_argument("--seq-len", type=int, default=48)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--lr", type=float, default=5e-3)
    p.add_argument("--clip", type=float, default=1.0, help="max gradient norm")
    p.add_argument("--prompt", default="The ")
    p.add_argument("--sample-length", type=int, default=200)
    p.add_argument("--temperature", type=float, default=0.8)
    p.add_argument("--quiet", action="store_true", help="print only the metric and the sample")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> dict:
    """Train on 90% of the text, report held-out bits per character, print a sample."""
    args = parse_args(argv)
    torch.manual_seed(args.seed)
    text = args.text.read_text(encoding="utf-8") if args.text else load_text_corpus()
    itos = sorted(set(text))
    stoi = {ch: i for i, ch in enumerate(itos)}
    data = torch.tensor([stoi[ch] for ch in text])
    split = int(0.9 * len(data))
    train_data, val_data = data[:split], data[split:]
    n_windows = (len(train_data) - 1) // args.seq_len

    model = CharLSTM(len(itos), hidden=args.hidden)
    optimizer = optim.Adam(model.parameters(), lr=args.lr)
    g = torch.Generator().manual_seed(args.seed)
    for epoch in range(1, args.epochs + 1):
        order = torch.randperm(n_windows, generator=g).tolist()
        total, steps = 0.0, 0
        for b in range(0, n_windows, args.batch_size):
            xb, yb = windows(train_data, args.seq_len, order[b:b + args.batch_size])
            logits, _ = model(xb)
            loss = F.cross_entropy(logits.reshape(-1, len(itos)), yb.reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            optimizer.step()
            total += loss.item()
            steps += 1
        if not args.quiet:
            print(f"epoch {epoch:3d}  train {total / steps / math.log(2):.3f} bits/char")

    val_bpc = bits_per_char(model, val_data, args.seq_len)
    print(f"held-out loss: {val_bpc:.3f} bits per character "
          f"(uniform guessing: {math.log2(len(itos)):.3f})")
    text_out = sample(model, args.prompt, args.sample_length, stoi, itos, args.temperature,
                      generator=torch.Generator().manual_seed(args.seed))
    print(text_out)
    return {"val_bpc": val_bpc, "uniform_bpc": math.log2(len(itos)), "sample": text_out}


if __name__ == "__main__":
    main()
