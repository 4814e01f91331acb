"""The main job: train a LeNet-style CNN on the bundled 8x8 digits and show the whole product.

    python -m examples.train_digits [--epochs 30] [--seed 0] [--out runs/digits]
                                    [--min-accuracy 0.97]

A PyTorch-style loop (DataLoader, Adam with a learning-rate schedule, a progress bar, early
stopping on the dev split), then: test accuracy, a model-level gradient check in float64 (the
course notes' relative error and thresholds), and in ``--out``: the computation graph of one
training step (graph.svg, and graph.txt as a text tree), the per-epoch metrics (metrics.csv) and
their curves (curves.png), the checkpoint (model.ckpt, the safe format, reloaded with identical
predictions) and summary.txt. The exit status is 0 unless the reload differs or, with
``--min-accuracy`` (CI sets 0.97), the test accuracy is below it.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time

import autograd as torch
import nn
import nn.functional as F
import optim
from autograd.debug import check_gradients
from autograd.utils.data import DataLoader, TensorDataset, load_digits
from autograd.utils.training import EarlyStopping, History, ProgressBar
from autograd.viz import draw_graph, print_graph, record, renderer_available


class LeNetDigits(nn.Module):
    """LeNet-5's shape scaled to 8x8 inputs: two conv/ReLU/max-pool stages, then three linears."""

    def __init__(self, num_classes: int = 10) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, kernel_size=3, padding=1)   # 16 x 8 x 8
        self.conv2 = nn.Conv2d(16, 32, kernel_size=3, padding=1)  # 32 x 4 x 4 after pool
        self.pool = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(32 * 2 * 2, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, num_classes)
        self.dropout = nn.Dropout(0.2)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = self.dropout(F.relu(self.fc1(x)))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def evaluate(model: nn.Module, X, y) -> tuple[float, float]:
    """Mean cross-entropy and accuracy of ``model`` on (X, y), in eval mode without a graph."""
    model.eval()
    with torch.no_grad():
        logits = model(X)
        loss = F.cross_entropy(logits, y).item()
        acc = (logits.argmax(dim=1) == y).float().mean().item()
    model.train()
    return loss, acc


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=30, help="maximum number of epochs")
    p.add_argument("--seed", type=int, default=0, help="seed for init, dropout and shuffling")
    p.add_argument("--out", type=pathlib.Path, default=pathlib.Path("runs/digits"),
                   help="directory for the graph, curves and checkpoint")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--patience", type=int, default=6, help="early-stopping patience (epochs)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--min-accuracy", type=float, default=None, metavar="FRACTION",
                   help="exit with status 1 when the test accuracy is below this (CI: 0.97)")
    return p.parse_args(argv)


def main(argv=None) -> dict:
    args = parse_args(argv)
    start = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(args.seed)

    X_train, y_train = load_digits("train")
    X_dev, y_dev = load_digits("dev")
    X_test, y_test = load_digits("test")
    loader = DataLoader(TensorDataset(X_train, y_train), batch_size=args.batch_size,
                        shuffle=True, generator=torch.Generator().manual_seed(args.seed))

    model = LeNetDigits()
    optimizer = optim.Adam(model.parameters(), lr=args.lr)
    scheduler = optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs)
    stopper = EarlyStopping(patience=args.patience, mode="max", restore_best_weights=True)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"LeNet-style CNN, {n_params:,} parameters; train {len(X_train)}, dev {len(X_dev)}, "
          f"test {len(X_test)} images")

    history = History(args.out / "metrics.csv")
    for epoch in range(1, args.epochs + 1):
        lr = optimizer.param_groups[0]["lr"]  # the rate this epoch trains with
        bar = ProgressBar(loader, desc=f"epoch {epoch:2d}/{args.epochs}", disable=args.quiet)
        total, count = 0.0, 0
        for xb, yb in bar:
            optimizer.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(xb)
            count += len(xb)
            bar.set_postfix(loss=total / count, refresh=False)
        scheduler.step()  # cosine schedule: the rate reaches 0 after the last epoch
        dev_loss, dev_acc = evaluate(model, X_dev, y_dev)
        history.log(epoch=epoch, train_loss=total / count, dev_loss=dev_loss, dev_acc=dev_acc,
                    lr=lr)
        print(f"epoch {epoch:2d}: train loss {total / count:.4f}  dev loss {dev_loss:.4f}  "
              f"dev acc {dev_acc:.2%}  lr {lr:.2e}")
        if stopper.step(dev_acc, model):
            print(f"early stopping after epoch {epoch}: dev accuracy has not improved for "
                  f"{args.patience} epochs")
            break
    stopper.restore(model)
    print(f"restored the weights of epoch {stopper.best_epoch + 1} (dev accuracy "
          f"{stopper.best:.2%})")

    test_loss, test_acc = evaluate(model, X_test, y_test)
    print(f"test accuracy {test_acc:.2%} (loss {test_loss:.4f})")

    model.eval()
    report = check_gradients(model, F.cross_entropy, X_train[:8], target=y_train[:8],
                             max_per_parameter=12, seed=args.seed)
    print(f"gradient check (float64, two-sided differences): relative error "
          f"{report.relative_error:.2e} -> {report.verdict} (~1e-7 fine, ~1e-5 look closer, "
          f"~1e-3 a bug); largest difference in {report.worst.name}")
    model.train()

    xb, yb = next(iter(loader))
    with record(model):  # module calls known: one box per layer call, clusters per module
        step_loss = F.cross_entropy(model(xb), yb)
    tree_path = args.out / "graph.txt"
    with open(tree_path, "w") as f:
        print_graph(step_loss, params=model, file=f)
    if renderer_available():
        graph_path = pathlib.Path(draw_graph(step_loss, params=model).render(
            str(args.out / "graph"), format="svg", cleanup=True))
        print(f"computation graph of one step: {graph_path} (as a text tree: {tree_path})")
    else:
        graph_path = tree_path
        print(f"computation graph of one step: {tree_path} (no Graphviz renderer found for an "
              f"SVG: pip install graphviz-pure)")

    curves = args.out / "curves.png"
    history.plot(curves)
    print(f"curves: {curves} (per-epoch numbers: {history.csv_path})")

    checkpoint = args.out / "model.ckpt"
    torch.save(model.state_dict(), checkpoint)
    restored = LeNetDigits()
    restored.load_state_dict(torch.load(checkpoint))
    model.eval()
    restored.eval()
    with torch.no_grad():
        same = torch.equal(model(X_test).argmax(1), restored(X_test).argmax(1))
        max_diff = (model(X_test) - restored(X_test)).abs().max().item()
    print(f"checkpoint {checkpoint}: reloaded predictions identical: {same} "
          f"(max |logit difference| {max_diff:.1e})")
    elapsed = time.perf_counter() - start
    summary = args.out / "summary.txt"
    summary.write_text(
        f"epochs trained: {len(history)} (best dev accuracy {stopper.best:.2%} at epoch "
        f"{stopper.best_epoch + 1})\n"
        f"test accuracy: {test_acc:.2%} (loss {test_loss:.4f})\n"
        f"gradient check: relative error {report.relative_error:.2e} ({report.verdict})\n"
        f"checkpoint reload identical: {same}\n"
        f"seconds: {elapsed:.1f}\n"
        f"files: {graph_path.name}, {tree_path.name}, {curves.name}, metrics.csv, "
        f"{checkpoint.name}\n")
    print(f"summary: {summary}; done in {elapsed:.1f} s")
    return {"test_acc": test_acc, "grad_rel_error": report.relative_error,
            "reload_identical": same, "seconds": elapsed, "graph": graph_path,
            "graph_text": tree_path, "curves": curves, "metrics": args.out / "metrics.csv",
            "checkpoint": checkpoint, "summary": summary}


def run(argv=None) -> int:
    """``main`` plus the exit status: 1 (saying why) when the reload differs or the test accuracy
    is below ``--min-accuracy``."""
    args = parse_args(argv)
    result = main(argv)
    if not result["reload_identical"]:
        print("FAILED: the reloaded checkpoint predicts differently")
        return 1
    if args.min_accuracy is not None and result["test_acc"] < args.min_accuracy:
        print(f"FAILED: test accuracy {result['test_acc']:.2%} is below --min-accuracy "
              f"{args.min_accuracy:.2%} (train longer: --epochs)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(run())
