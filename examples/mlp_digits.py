"""An MNIST-style multilayer perceptron on the bundled 8x8 digits.

    python -m examples.mlp_digits [--epochs 20] [--seed 0] [--hidden 128] [--lr 1e-3]

Flatten -> Linear -> ReLU -> Dropout -> Linear -> ReLU -> Linear, trained with Adam on
mini-batches; the epoch with the best dev accuracy is kept and its test accuracy printed.
Swap the imports for ``torch``, ``torch.nn``, ``torch.nn.functional`` and ``torch.optim`` and the
same script runs on PyTorch.
"""

from __future__ import annotations

import argparse
import copy

import autograd as torch
import nn
import nn.functional as F
import optim
from autograd.utils.data import DataLoader, load_digits


def make_model(hidden: int = 128, dropout: float = 0.2) -> nn.Module:
    """The MLP: 64 pixels -> hidden -> hidden // 2 -> 10 class scores (logits)."""
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(64, hidden), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(hidden, hidden // 2), nn.ReLU(),
        nn.Linear(hidden // 2, 10),
    )


def accuracy(model: nn.Module, X, y) -> float:
    """Fraction of correct argmax predictions, in eval mode without building a graph."""
    model.eval()
    with torch.no_grad():
        return (model(X).argmax(dim=1) == y).float().mean().item()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line flags (epochs, seed, model size, optimiser settings)."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--quiet", action="store_true", help="print only the final metric")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> dict:
    """Train, keep the best-on-dev weights, print and return the test accuracy."""
    args = parse_args(argv)
    torch.manual_seed(args.seed)
    train_set = load_digits("train", as_dataset=True)
    X_dev, y_dev = load_digits("dev")
    X_test, y_test = load_digits("test")
    loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True,
                        generator=torch.Generator().manual_seed(args.seed))

    model = make_model(args.hidden)
    optimizer = optim.Adam(model.parameters(), lr=args.lr)
    best_acc, best_state = -1.0, None
    for epoch in range(1, args.epochs + 1):
        model.train()
        total, seen = 0.0, 0
        for xb, yb in loader:
            loss = F.cross_entropy(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(xb)
            seen += len(xb)
        dev_acc = accuracy(model, X_dev, y_dev)
        if dev_acc > best_acc:
            best_acc, best_state = dev_acc, copy.deepcopy(model.state_dict())
        if not args.quiet:
            print(f"epoch {epoch:3d}  train loss {total / seen:.4f}  dev accuracy {dev_acc:.4f}")

    model.load_state_dict(best_state)
    test_acc = accuracy(model, X_test, y_test)
    print(f"test accuracy: {test_acc:.4f} (best dev accuracy {best_acc:.4f})")
    return {"test_acc": test_acc, "dev_acc": best_acc}


if __name__ == "__main__":
    main()
