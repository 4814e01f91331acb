"""MLP classification loops as people write them, run with torch and with the import swap."""

from tests.compat.harness import run_compat

DATA = """
rng = np.random.default_rng(0)
X_np = rng.normal(size=(64, 10)).astype(np.float32)
y_np = (X_np[:, 0] + X_np[:, 1] > 0).astype(np.int64) + (X_np[:, 2] > 1).astype(np.int64)
"""


def test_mlp_sgd_cross_entropy_loop(tmp_path):
    run_compat(DATA + """
class MLP(nn.Module):
    def __init__(self, in_features, hidden, classes):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(hidden, classes)

    def forward(self, x):
        return self.fc2(self.relu(self.fc1(x)))

torch.manual_seed(0)
model = MLP(10, 16, 3)
sync(model)
criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
X = torch.from_numpy(X_np)
y = torch.from_numpy(y_np)
for epoch in range(5):
    model.train()
    optimizer.zero_grad()
    outputs = model(X)
    loss = criterion(outputs, y)
    loss.backward()
    record("grad_fc1", model.fc1.weight.grad)
    optimizer.step()
    record("loss", loss.item())
model.eval()
with torch.no_grad():
    outputs = model(X)
    _, predicted = torch.max(outputs, 1)
    correct = (predicted == y).sum().item()
    record("predicted", predicted)
    record("correct", correct)
    record("acc", correct / y.size(0))
    record("argmax", outputs.argmax(1))
    record("argmax_dim", outputs.argmax(dim=1).eq(y).float().mean().item())
record("params", list(model.parameters()))
record("n_params", sum(p.numel() for p in model.parameters()))
record("n_trainable", sum(p.numel() for p in model.parameters() if p.requires_grad))
record("repr", repr(model))
record("str", str(model))
""", tmp_path)


def test_sequential_adam_dataloader(tmp_path):
    run_compat(DATA + """
torch.manual_seed(0)
model = nn.Sequential(
    nn.Linear(10, 32),
    nn.BatchNorm1d(32),
    nn.ReLU(),
    nn.Dropout(0.0),
    nn.Linear(32, 3),
)
sync(model)
dataset = TensorDataset(torch.from_numpy(X_np), torch.from_numpy(y_np))
loader = DataLoader(dataset, batch_size=16, shuffle=False)
optimizer = optim.Adam(model.parameters(), lr=1e-2, weight_decay=1e-4)
loss_fn = nn.CrossEntropyLoss()
for epoch in range(3):
    model.train()
    running_loss = 0.0
    for batch_idx, (inputs, targets) in enumerate(loader):
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
        running_loss += loss.item() * inputs.size(0)
    record("epoch_loss", running_loss / len(loader.dataset))
record("len_loader", len(loader))
record("running_mean", model[1].running_mean)
record("running_var", model[1].running_var)
record("num_batches_tracked", model[1].num_batches_tracked)
model.eval()
total, correct = 0, 0
with torch.no_grad():
    for inputs, targets in loader:
        out = model(inputs)
        pred = out.argmax(dim=1)
        total += targets.size(0)
        correct += (pred == targets).sum().item()
        record("eval_out", out)
record("accuracy", 100.0 * correct / total)
record("state_keys", list(model.state_dict().keys()))
record("repr", repr(model))
""", tmp_path)


def test_functional_mlp_nll_and_manual_update(tmp_path):
    run_compat(DATA + """
torch.manual_seed(0)
W1 = torch.tensor(np.linspace(-1, 1, 10 * 8, dtype=np.float32).reshape(10, 8), requires_grad=True)
b1 = torch.zeros(8, requires_grad=True)
W2 = torch.tensor(np.linspace(1, -1, 8 * 3, dtype=np.float32).reshape(8, 3), requires_grad=True)
b2 = torch.zeros(3, requires_grad=True)
X = torch.from_numpy(X_np)
y = torch.from_numpy(y_np)
lr = 0.5
for step in range(4):
    h = F.relu(X @ W1 + b1)
    logits = h.mm(W2) + b2
    loss = F.nll_loss(F.log_softmax(logits, dim=1), y)
    loss.backward()
    with torch.no_grad():
        for p in (W1, b1, W2, b2):
            p -= lr * p.grad
            p.grad.zero_()
    record("loss", loss.item())
    record("W2", W2)
probs = torch.softmax(logits, dim=1)
record("probs", probs.detach())
record("rows", probs.sum(dim=1).detach())
record("requires_grad", (probs.requires_grad, W1.is_leaf, logits.is_leaf))
record("grad_fn_none", W1.grad_fn is None)
""", tmp_path)


def test_binary_classifier_bce_with_logits(tmp_path):
    run_compat(DATA + """
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(10, 8), nn.Tanh(), nn.Linear(8, 1))
sync(model)
X = torch.from_numpy(X_np)
y = torch.from_numpy((y_np > 0).astype(np.float32)).unsqueeze(1)
criterion = nn.BCEWithLogitsLoss()
optimizer = optim.RMSprop(model.parameters(), lr=0.01)
for _ in range(4):
    optimizer.zero_grad()
    logits = model(X)
    loss = criterion(logits, y)
    loss.backward()
    optimizer.step()
    record("loss", loss.item())
with torch.no_grad():
    probs = torch.sigmoid(model(X))
    preds = (probs > 0.5).float()
    record("acc", (preds == y).float().mean().item())
    record("bce", F.binary_cross_entropy(probs, y).item())
    record("preds_dtype", preds.dtype == torch.float32)
    record("mask_dtype", (probs > 0.5).dtype == torch.bool)
""", tmp_path)


def test_regression_mse_adamw_and_l1(tmp_path):
    run_compat(DATA + """
torch.manual_seed(0)
net = nn.Sequential(nn.Linear(10, 16), nn.GELU(), nn.Linear(16, 1))
sync(net)
X = torch.from_numpy(X_np)
target = torch.from_numpy(X_np.sum(axis=1, keepdims=True))
opt = optim.AdamW(net.parameters(), lr=3e-3)
for i in range(4):
    pred = net(X)
    loss = F.mse_loss(pred, target)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    record("mse", loss)
    record("l1", nn.L1Loss()(pred, target).item())
    record("smooth", nn.SmoothL1Loss()(pred, target).item())
    record("huber", nn.HuberLoss(delta=0.5)(pred, target).item())
record("final_bias", net[2].bias)
record("grad_none_after_zero", [p.grad is None for p in net.parameters()])
opt.zero_grad(set_to_none=True)
record("grad_none_after_set_to_none", [p.grad is None for p in net.parameters()])
""", tmp_path)
