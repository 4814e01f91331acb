"""nn/optim names from the wider PyTorch API: ChannelShuffle, DataParallel, SyncBatchNorm and
stochastic weight averaging (AveragedModel, SWALR, update_bn), against torch."""

from tests.compat.harness import run_compat


def test_channel_shuffle_and_wrappers(tmp_path):
    run_compat("""
x = torch.arange(2 * 6 * 2 * 2, dtype=torch.float32).view(2, 6, 2, 2)
record("F", F.channel_shuffle(x, 3))
record("module", nn.ChannelShuffle(2)(x))
record("native", torch.native_channel_shuffle(x, 2))
record("repr", repr(nn.ChannelShuffle(3)))
model = nn.DataParallel(nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2)))
sync(model)
record("dp_keys", list(model.state_dict()))
record("dp_repr", repr(model))
out = model(torch.ones(5, 4))
out.sum().backward()
record("dp_out", out)
record("dp_grad", model.module[0].weight.grad)
net = nn.Sequential(nn.Conv2d(6, 4, 1), nn.BatchNorm2d(4), nn.Sequential(nn.BatchNorm1d(3)))
converted = nn.SyncBatchNorm.convert_sync_batchnorm(net)
record("converted", [type(m).__name__ for m in converted.modules()])
record("sbn_keys", list(converted.state_dict()))
bn = nn.SyncBatchNorm(6)
sync(bn)
record("sbn_repr", repr(bn))
record("sbn_train", bn(x))
record("sbn_running", (bn.running_mean, bn.running_var, bn.num_batches_tracked))
bn.eval()
record("sbn_eval", bn(x[:, :, 0]))
""", tmp_path)


def test_stochastic_weight_averaging(tmp_path):
    run_compat("""
torch.manual_seed(0)
from_swa = optim.swa_utils
model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 1))
sync(model)
swa_model = from_swa.AveragedModel(model)
ema_model = from_swa.AveragedModel(model, multi_avg_fn=from_swa.get_ema_multi_avg_fn(0.9),
                                   use_buffers=True)
ema_fn_model = from_swa.AveragedModel(model, avg_fn=from_swa.get_ema_avg_fn(0.8),
                                      use_buffers=True)
record("keys", list(swa_model.state_dict()))
opt = optim.SGD(model.parameters(), lr=0.1)
sched = from_swa.SWALR(opt, swa_lr=0.05, anneal_epochs=3)
opt2 = optim.SGD(model.parameters(), lr=0.2)
lin = from_swa.SWALR(opt2, swa_lr=[0.01],
                     anneal_strategy="linear", anneal_epochs=0)
x = torch.linspace(-1, 1, 24).view(8, 3)
y = x.sum(1, keepdim=True) ** 2
lrs = []
for step in range(5):
    opt.zero_grad()
    loss = F.mse_loss(model(x), y)
    loss.backward()
    opt.step()
    swa_model.update_parameters(model)
    ema_model.update_parameters(model)
    ema_fn_model.update_parameters(model)
    sched.step()
    lrs.append((sched.get_last_lr()[0], lin.get_last_lr()[0]))
    opt2.step()
    lin.step()
    record(f"loss{step}", loss)
record("lrs", lrs)
record("n_averaged", swa_model.n_averaged)
record("swa", [p for p in swa_model.parameters()])
record("ema", [p for p in ema_model.parameters()] + [b for b in ema_model.buffers()])
record("ema_fn", [p for p in ema_fn_model.parameters()])
record("ema_fn_buffers", [b for b in ema_fn_model.buffers()])
loader = DataLoader(TensorDataset(x, y), batch_size=4)
from_swa.update_bn(loader, swa_model)
record("bn_stats", (swa_model.module[1].running_mean, swa_model.module[1].running_var,
                    swa_model.module[1].momentum, swa_model.training))
swa_model.eval()
record("swa_out", swa_model(x))
""", tmp_path)


def test_lazy_layers(tmp_path):
    run_compat("""
model = nn.Sequential(nn.LazyConv2d(4, 3, padding=1), nn.LazyBatchNorm2d(), nn.ReLU(),
                      nn.LazyConvTranspose2d(2, 2, stride=2), nn.LazyInstanceNorm2d(),
                      nn.Flatten(), nn.LazyLinear(3))
record("repr_before", repr(model))
record("keys_before", list(model.state_dict()))
opt = optim.SGD(model.parameters(), lr=0.1)
x = torch.linspace(-1, 1, 2 * 3 * 4 * 4).view(2, 3, 4, 4)
with torch.no_grad():
    model(x)
record("repr_after", repr(model))
record("types", [type(m).__name__ for m in model])
sync(model)
for step in range(3):
    opt.zero_grad()
    loss = model(x).pow(2).mean()
    loss.backward()
    opt.step()
    record(f"loss{step}", loss)
record("weight", model[0].weight)
conv1 = nn.LazyConv1d(5, 2)
record("unbatched", conv1(torch.ones(3, 6)).shape)
record("in_channels", conv1.in_channels)
norm = nn.LazyInstanceNorm1d(affine=False, track_running_stats=False)
import warnings
with warnings.catch_warnings(record=True) as caught:  # both warn: num_features stays 0
    warnings.simplefilter("always")
    record("instance", norm(torch.arange(24.0).view(2, 3, 4)))
record("warned", len(caught))
record("num_features", norm.num_features)
record("bn3d", nn.LazyBatchNorm3d()(torch.ones(2, 3, 2, 2, 2)).shape)
""", tmp_path)


def test_adafactor_matches_torch(tmp_path):
    run_compat("""
model = nn.Sequential(nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 2))
sync(model)
opt = optim.Adafactor(model.parameters(), lr=0.05, weight_decay=0.01)
x = torch.linspace(-1, 1, 30).view(6, 5)
y = torch.linspace(0, 1, 12).view(6, 2)
for step in range(6):
    opt.zero_grad()
    loss = F.mse_loss(model(x), y)
    loss.backward()
    opt.step()
    record(f"loss{step}", loss)
record("params", [p for p in model.parameters()])
state = opt.state[model[0].weight]
record("state", (state["step"], state["row_var"], state["col_var"],
                 opt.state[model[0].bias]["variance"]))
maxi = nn.Linear(3, 2)
sync(maxi)
opt2 = optim.Adafactor(maxi.parameters(), maximize=True, d=2.0, eps=(1e-20, 1e-2))
for _ in range(3):
    opt2.zero_grad()
    maxi(torch.ones(2, 3)).sum().neg().backward()
    opt2.step()
record("maximize", [p for p in maxi.parameters()])
""", tmp_path)


def test_more_distributions(tmp_path):
    run_compat("""
D = torch.distributions
rate = torch.tensor([0.5, 2.0], requires_grad=True)
conc = torch.tensor([1.5, 3.0], requires_grad=True)
loc, scale = torch.tensor([0.0, 1.0]), torch.tensor([1.0, 0.5], requires_grad=True)
v = torch.tensor([0.3, 1.7])
dists = {"exponential": D.Exponential(rate), "laplace": D.Laplace(loc, scale),
         "gamma": D.Gamma(conc, rate), "beta": D.Beta(conc, rate),
         "poisson": D.Poisson(rate)}
values = {"beta": torch.tensor([0.2, 0.9]), "poisson": torch.tensor([0.0, 3.0])}
total = 0
for name, d in dists.items():
    x = values.get(name, v)
    lp = d.log_prob(x)
    record(f"{name}_log_prob", lp)
    record(f"{name}_moments", (d.mean, d.variance))
    record(f"{name}_sample_shape", d.sample((4,)).shape)
    total = total + lp.sum()
    if name != "poisson":
        record(f"{name}_entropy", d.entropy())
        total = total + d.entropy().sum()
total.backward()
record("grads", (rate.grad, conc.grad, scale.grad))
ind = D.Independent(D.Laplace(torch.zeros(3, 2), torch.ones(3, 2)), 1)
record("independent", (ind.batch_shape, ind.event_shape, ind.log_prob(torch.ones(3, 2)),
                       ind.entropy(), ind.rsample((5,)).shape))
record("rsample_shapes", (D.Exponential(rate).rsample((3,)).shape,
                          D.Laplace(loc, scale).rsample().shape))
try:
    D.Gamma(torch.tensor([-1.0]), torch.tensor([1.0]))
    record("bad", False)
except ValueError:
    record("bad", True)
""", tmp_path)


def test_conv_bn_fusion_and_deprecated_init(tmp_path):
    run_compat("""
import warnings
conv, bn = nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4)
lin, bn1 = nn.Linear(5, 4), nn.BatchNorm1d(4)
deconv, bn2 = nn.ConvTranspose2d(3, 4, 2, stride=2, bias=False), nn.BatchNorm2d(4, affine=False)
for m in (conv, bn, lin, bn1, deconv, bn2):
    sync(m)
x = torch.linspace(-1, 1, 2 * 3 * 5 * 5).view(2, 3, 5, 5)
for model, norm, inp in ((conv, bn, x), (lin, bn1, x[:, 0, 0]), (deconv, bn2, x)):
    norm.train()
    norm(model(inp))  # running statistics away from their initial values
    model.eval(), norm.eval()
with torch.no_grad():
    fused = nn.utils.fuse_conv_bn_eval(conv, bn)
    record("conv", (fused(x), bn(conv(x))))
    fused_lin = nn.utils.fuse_linear_bn_eval(lin, bn1)
    record("linear", (fused_lin(x[:, 0, 0]), bn1(lin(x[:, 0, 0]))))
    fused_t = nn.utils.fuse_conv_bn_eval(deconv, bn2, transpose=True)
    record("transpose", (fused_t(x), bn2(deconv(x))))
record("types", (type(fused.weight).__name__, type(fused.bias).__name__, fused.bias.requires_grad))
w = torch.empty(3, 4)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    nn.init.constant(w, 0.5)
    nn.init.xavier_uniform(torch.empty(2, 2))
record("constant", w)
record("warnings", [(c.category.__name__, str(c.message)) for c in caught])
record("skip_init", nn.utils.skip_init(nn.Linear, 3, 2).weight.shape)
""", tmp_path)
