"""A tiny transformer encoder that learns to reverse sequences of digits.

    python -m examples.tiny_transformer [--epochs 5] [--seed 0] [--seq-len 8] [--d-model 32]

Token + learned positional embeddings, ``nn.TransformerEncoder`` (self-attention, feed-forward,
residuals and layer norm), and a linear layer that predicts, at every position t, the input token
at position seq_len - 1 - t. Trained on a fixed set of random sequences; the final metric is the
fraction of held-out sequences reversed exactly.
"""

from __future__ import annotations

import argparse

import autograd as torch
import nn
import nn.functional as F
import optim
from autograd.utils.data import DataLoader, TensorDataset


class TinyTransformer(nn.Module):
    """Embeddings -> TransformerEncoder -> per-position vocabulary logits."""

    def __init__(self, vocab_size: int, seq_len: int, d_model: int = 32, nhead: int = 4,
                 num_layers: int = 2, dim_feedforward: int = 64, dropout: float = 0.0) -> None:
        super().__init__()
        self.tok = nn.Embedding(vocab_size, d_model)
        self.pos = nn.Embedding(seq_len, d_model)
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout,
                                           batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers, enable_nested_tensor=False)
        self.head = nn.Linear(d_model, vocab_size)

    def forward(self, idx):
        positions = torch.arange(idx.shape[1])
        return self.head(self.encoder(self.tok(idx) + self.pos(positions)))


def reversal_data(n: int, seq_len: int, vocab_size: int, generator) -> tuple:
    """``n`` random sequences of tokens 1..vocab_size-1 and their reversals."""
    src = torch.randint(1, vocab_size, (n, seq_len), generator=generator)
    return src, src.flip(1)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line flags (epochs, seed, task size, model size)."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--seq-len", type=int, default=8)
    p.add_argument("--vocab", type=int, default=10, help="tokens 1..vocab-1 (0 is unused)")
    p.add_argument("--train-size", type=int, default=4000)
    p.add_argument("--d-model", type=int, default=32)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--quiet", action="store_true", help="print only the final metric")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> dict:
    """Train on random sequences; print and return held-out token and sequence accuracy."""
    args = parse_args(argv)
    torch.manual_seed(args.seed)
    g = torch.Generator().manual_seed(args.seed)
    X, Y = reversal_data(args.train_size, args.seq_len, args.vocab, g)
    X_test, Y_test = reversal_data(1000, args.seq_len, args.vocab, g)
    loader = DataLoader(TensorDataset(X, Y), batch_size=args.batch_size, shuffle=True,
                        generator=torch.Generator().manual_seed(args.seed))

    model = TinyTransformer(args.vocab, args.seq_len, args.d_model, num_layers=args.layers)
    optimizer = optim.Adam(model.parameters(), lr=args.lr)
    for epoch in range(1, args.epochs + 1):
        model.train()
        total, seen = 0.0, 0
        for xb, yb in loader:
            logits = model(xb)
            loss = F.cross_entropy(logits.reshape(-1, args.vocab), yb.reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(xb)
            seen += len(xb)
        if not args.quiet:
            print(f"epoch {epoch:3d}  train loss {total / seen:.4f}")

    model.eval()
    with torch.no_grad():
        pred = model(X_test).argmax(dim=-1)
    token_acc = (pred == Y_test).float().mean().item()
    seq_acc = (pred == Y_test).all(dim=1).float().mean().item()
    print(f"held-out sequences reversed exactly: {seq_acc:.4f} (token accuracy {token_acc:.4f})")
    print(f"example: {X_test[0].tolist()} -> {pred[0].tolist()}")
    return {"seq_acc": seq_acc, "token_acc": token_acc}


if __name__ == "__main__":
    main()
