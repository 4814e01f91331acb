"""Optimizer and scheduler idioms: parameter groups, StepLR, ReduceLROnPlateau, OneCycleLR, ..."""

from tests.compat.harness import run_compat

SETUP = """
rng = np.random.default_rng(0)
X = torch.from_numpy(rng.normal(size=(32, 6)).astype(np.float32))
y = torch.from_numpy(rng.integers(0, 3, size=32))
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(6, 12), nn.ReLU(), nn.Linear(12, 3))
sync(model)
criterion = nn.CrossEntropyLoss()

def train_step(optimizer):
    optimizer.zero_grad()
    loss = criterion(model(X), y)
    loss.backward()
    optimizer.step()
    return loss.item()
"""


def test_param_groups_with_different_lrs(tmp_path):
    run_compat(SETUP + """
optimizer = optim.SGD([
    {"params": model[0].parameters()},
    {"params": model[2].parameters(), "lr": 1e-3, "momentum": 0.5},
], lr=1e-2, momentum=0.9)
for _ in range(3):
    record("loss", train_step(optimizer))
record("lrs", [g["lr"] for g in optimizer.param_groups])
record("momentum", [g["momentum"] for g in optimizer.param_groups])
record("group_sizes", [len(g["params"]) for g in optimizer.param_groups])
record("weights", list(model.parameters()))
optimizer.add_param_group({"params": [nn.Parameter(torch.zeros(2))], "lr": 0.5})
record("added", (len(optimizer.param_groups), optimizer.param_groups[-1]["momentum"]))
for g in optimizer.param_groups:
    g["lr"] = g["lr"] * 0.1
record("scaled", [g["lr"] for g in optimizer.param_groups])
record("defaults_lr", optimizer.defaults["lr"])
""", tmp_path)


def test_step_lr_and_multistep(tmp_path):
    run_compat(SETUP + """
optimizer = optim.SGD(model.parameters(), lr=0.1)
scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
for epoch in range(6):
    record("loss", train_step(optimizer))
    scheduler.step()
    record("lr", optimizer.param_groups[0]["lr"])
    record("last_lr", scheduler.get_last_lr())
opt2 = optim.Adam(model.parameters(), lr=0.01)
multi = optim.lr_scheduler.MultiStepLR(opt2, milestones=[1, 3], gamma=0.1)
exp = optim.lr_scheduler.ExponentialLR(optim.SGD(model.parameters(), lr=1.0), gamma=0.9)
for epoch in range(4):
    opt2.step()
    multi.step()
    exp.optimizer.step()
    exp.step()
    record("multi", multi.get_last_lr()[0])
    record("exp", exp.get_last_lr()[0])
record("state_dict_keys", sorted(multi.state_dict().keys()))
""", tmp_path)


def test_reduce_lr_on_plateau(tmp_path):
    run_compat(SETUP + """
optimizer = optim.Adam(model.parameters(), lr=0.01)
scheduler = optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=1)
val_losses = [1.0, 0.9, 0.95, 0.97, 0.99, 0.5, 0.6, 0.7, 0.8]
for epoch, val_loss in enumerate(val_losses):
    train_step(optimizer)
    scheduler.step(val_loss)
    record("lr", optimizer.param_groups[0]["lr"])
max_mode = optim.lr_scheduler.ReduceLROnPlateau(optim.SGD(model.parameters(), lr=1.0),
                                                mode="max", factor=0.1, patience=0, threshold=0.01)
for acc in [0.5, 0.6, 0.605, 0.7, 0.69]:
    max_mode.step(acc)
    record("max_lr", max_mode.optimizer.param_groups[0]["lr"])
""", tmp_path)


def test_one_cycle_and_cosine(tmp_path):
    run_compat(SETUP + """
loader = DataLoader(TensorDataset(X, y), batch_size=8)
epochs = 2
optimizer = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
scheduler = optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, epochs=epochs,
                                          steps_per_epoch=len(loader))
for epoch in range(epochs):
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        scheduler.step()
        record("lr", scheduler.get_last_lr()[0])
        record("momentum", optimizer.param_groups[0]["momentum"])
        record("loss", loss.item())
opt2 = optim.AdamW(model.parameters(), lr=1e-3)
cosine = optim.lr_scheduler.CosineAnnealingLR(opt2, T_max=4, eta_min=1e-5)
lam = optim.lr_scheduler.LambdaLR(optim.SGD(model.parameters(), lr=0.5),
                                  lr_lambda=lambda epoch: 0.95 ** epoch)
for _ in range(5):
    opt2.step()
    cosine.step()
    lam.optimizer.step()
    lam.step()
    record("cosine", opt2.param_groups[0]["lr"])
    record("lambda", lam.get_last_lr())
""", tmp_path)


def test_clip_grad_and_optimizer_state_dict(tmp_path):
    run_compat(SETUP + """
optimizer = optim.Adam(model.parameters(), lr=0.05)
for _ in range(3):
    optimizer.zero_grad()
    loss = criterion(model(X), y) * 10
    loss.backward()
    total_norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.5)
    record("total_norm", total_norm)
    record("clipped_grad", model[0].weight.grad)
    optimizer.step()
nn.utils.clip_grad_value_(model.parameters(), clip_value=0.01)
record("value_clipped", model[2].weight.grad)
sd = optimizer.state_dict()
record("sd_keys", sorted(sd.keys()))
record("sd_state_keys", sorted(sd["state"].keys()))
record("sd_state0", sorted(sd["state"][0].keys()))
record("exp_avg", sd["state"][0]["exp_avg"])
record("step", float(sd["state"][0]["step"]))
record("groups", sd["param_groups"][0]["params"])
fresh = optim.Adam(model.parameters(), lr=0.05)
fresh.load_state_dict(sd)
record("loaded_exp_avg_sq", fresh.state_dict()["state"][2]["exp_avg_sq"])
vec = nn.utils.parameters_to_vector(model.parameters())
record("vec", vec)
nn.utils.vector_to_parameters(vec * 0, model.parameters())
record("zeroed", model[0].bias)
""", tmp_path)
