"""Training recipes: no-decay parameter groups with warmup LambdaLR and gradient accumulation,
checkpoint resume (model + optimizer + scheduler + epoch), early stopping on a validation loss."""

from tests.compat.harness import run_compat

SETUP = """
import copy
import os
rng = np.random.default_rng(0)
X = torch.from_numpy(rng.normal(size=(24, 6)).astype(np.float32))
y = torch.from_numpy(rng.integers(0, 3, size=24))

class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(6, 8)
        self.LayerNorm = nn.LayerNorm(8)
        self.out = nn.Linear(8, 3)

    def forward(self, x):
        return self.out(F.gelu(self.LayerNorm(self.proj(x))))

torch.manual_seed(0)
model = Classifier()
sync(model)
"""


def test_no_decay_groups_warmup_and_accumulation(tmp_path):
    run_compat(SETUP + """
no_decay = ["bias", "LayerNorm.weight"]
grouped = [
    {"params": [p for n, p in model.named_parameters() if not any(nd in n for nd in no_decay)],
     "weight_decay": 0.01},
    {"params": [p for n, p in model.named_parameters() if any(nd in n for nd in no_decay)],
     "weight_decay": 0.0},
]
record("group_sizes", [len(g["params"]) for g in grouped])
optimizer = optim.AdamW(grouped, lr=5e-3, eps=1e-8)
total_steps, warmup = 6, 2

def lr_lambda(step):
    if step < warmup:
        return float(step) / float(max(1, warmup))
    return max(0.0, float(total_steps - step) / float(max(1, total_steps - warmup)))

scheduler = optim.lr_scheduler.LambdaLR(optimizer, lr_lambda)
loader = DataLoader(TensorDataset(X, y), batch_size=4)
accumulation_steps = 2
model.zero_grad()
for i, (xb, yb) in enumerate(loader):
    loss = F.cross_entropy(model(xb), yb) / accumulation_steps
    loss.backward()
    if (i + 1) % accumulation_steps == 0:
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()
        record("lr", scheduler.get_last_lr())
    record("loss", loss.item())
record("weights", list(model.parameters()))
""", tmp_path)


def test_checkpoint_resume_and_early_stopping(tmp_path):
    run_compat(SETUP + """
optimizer = optim.SGD(model.parameters(), lr=0.2, momentum=0.9)
scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
X_val, y_val = X[:8], y[:8]
best_loss, best_state, patience, bad_epochs = float("inf"), None, 2, 0
for epoch in range(6):
    model.train()
    optimizer.zero_grad()
    F.cross_entropy(model(X), y).backward()
    optimizer.step()
    scheduler.step()
    model.eval()
    with torch.no_grad():
        val_loss = F.cross_entropy(model(X_val), y_val).item()
    record("val_loss", val_loss)
    if val_loss < best_loss - 1e-4:
        best_loss, bad_epochs = val_loss, 0
        best_state = copy.deepcopy(model.state_dict())
    else:
        bad_epochs += 1
        if bad_epochs >= patience:
            record("stopped_at", epoch)
            break
    if epoch == 2:
        path = os.path.join(tmpdir, "checkpoint.pth")
        torch.save({"epoch": epoch, "model_state_dict": model.state_dict(),
                    "optimizer_state_dict": optimizer.state_dict(),
                    "scheduler_state_dict": scheduler.state_dict(),
                    "best_loss": best_loss}, path)
checkpoint = torch.load(path)
resumed = Classifier()
resumed.load_state_dict(checkpoint["model_state_dict"])
opt2 = optim.SGD(resumed.parameters(), lr=0.2, momentum=0.9)
opt2.load_state_dict(checkpoint["optimizer_state_dict"])
sched2 = optim.lr_scheduler.StepLR(opt2, step_size=2, gamma=0.5)
sched2.load_state_dict(checkpoint["scheduler_state_dict"])
record("resumed_epoch", checkpoint["epoch"])
record("resumed_lr", opt2.param_groups[0]["lr"])
record("resumed_momentum_buffer", opt2.state_dict()["state"][0]["momentum_buffer"])
opt2.zero_grad()
F.cross_entropy(resumed(X), y).backward()
opt2.step()
sched2.step()
record("resumed_step", resumed.out.weight)
record("sched_last", sched2.get_last_lr())
model.load_state_dict(best_state)
record("best_restored", F.cross_entropy(model(X_val), y_val).item())
""", tmp_path)
