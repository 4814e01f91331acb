"""torch.distributions as RL and VAE scripts use them: log_prob/entropy/kl values and gradients
against torch; samples are random, so only their shapes, dtypes and ranges are compared."""

from tests.compat.harness import run_compat


def test_policy_gradient_with_categorical(tmp_path):
    run_compat("""
from collections import namedtuple
rng = np.random.default_rng(0)
torch.manual_seed(0)
policy = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))
sync(policy)
optimizer = optim.Adam(policy.parameters(), lr=1e-2)
states = torch.from_numpy(rng.normal(size=(5, 4)).astype(np.float32))
actions = torch.tensor([0, 2, 1, 1, 0])
returns = torch.tensor([1.0, 0.5, -0.2, 0.3, 0.9])
for step in range(3):
    logits = policy(states)
    dist = torch.distributions.Categorical(logits=logits)
    sampled = dist.sample()
    record("sample_shape", (tuple(sampled.shape), sampled.dtype == torch.int64,
                            bool(((sampled >= 0) & (sampled < 3)).all())))
    log_probs = dist.log_prob(actions)
    loss = -(log_probs * returns).mean() - 0.01 * dist.entropy().mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    record("log_probs", log_probs)
    record("entropy", dist.entropy())
    record("loss", loss.item())
probs_dist = torch.distributions.Categorical(probs=torch.tensor([[0.2, 0.3, 0.5], [1.0, 1.0, 2.0]]))
record("normalized", probs_dist.probs)
record("logits", probs_dist.logits)
record("batch_shape", tuple(probs_dist.batch_shape))
record("many", tuple(probs_dist.sample((7,)).shape))
record("broadcast_log_prob", probs_dist.log_prob(torch.tensor([[0], [2]])))
certain = torch.distributions.Categorical(probs=torch.tensor([0.0, 1.0]))
record("zero_prob_entropy", certain.entropy())
""", tmp_path)


def test_vae_style_normal(tmp_path):
    run_compat("""
rng = np.random.default_rng(1)
mu = torch.tensor(rng.normal(size=(3, 2)).astype(np.float32), requires_grad=True)
log_var = torch.tensor(rng.normal(size=(3, 2)).astype(np.float32) * 0.1, requires_grad=True)
std = torch.exp(0.5 * log_var)
q = torch.distributions.Normal(mu, std)
p = torch.distributions.Normal(torch.zeros_like(mu), torch.ones_like(std))
z = q.rsample()
record("rsample", (tuple(z.shape), z.requires_grad))
x = torch.tensor(rng.normal(size=(3, 2)).astype(np.float32))
kl = torch.distributions.kl_divergence(q, p).sum()
nll = -q.log_prob(x).sum()
(kl + nll).backward()
record("kl", kl)
record("nll", nll)
record("grads", (mu.grad, log_var.grad))
record("entropy", q.entropy())
record("cdf", q.cdf(x))
record("moments", (q.mean, q.stddev, q.variance))
std_normal = torch.distributions.Normal(0.0, 1.0)
record("scalar_log_prob", std_normal.log_prob(torch.tensor([0.0, 1.0])))
record("sample_shape", tuple(std_normal.sample((4, 2)).shape))
record("has_rsample", (q.has_rsample, torch.distributions.Categorical(logits=x).has_rsample))
""", tmp_path)


def test_bernoulli_and_uniform(tmp_path):
    run_compat("""
logits = torch.tensor([-1.0, 0.0, 2.0], requires_grad=True)
b = torch.distributions.Bernoulli(logits=logits)
value = torch.tensor([1.0, 0.0, 1.0])
lp = b.log_prob(value)
lp.sum().backward()
record("log_prob", lp)
record("grad", logits.grad)
record("entropy", b.entropy())
record("probs", b.probs)
bp = torch.distributions.Bernoulli(probs=torch.tensor([0.25, 0.9]))
record("from_probs", (bp.logits, bp.mean, bp.variance))
s = bp.sample((5,))
record("sample", (tuple(s.shape), s.dtype == torch.float32, bool(((s == 0) | (s == 1)).all())))
record("kl_bernoulli", torch.distributions.kl_divergence(bp, torch.distributions.Bernoulli(
    probs=torch.tensor([0.5, 0.5]))))
q1 = torch.distributions.Categorical(logits=torch.tensor([[1.0, 2.0, 0.5]]))
q2 = torch.distributions.Categorical(probs=torch.tensor([[0.3, 0.3, 0.4]]))
record("kl_categorical", torch.distributions.kl_divergence(q1, q2))
u = torch.distributions.Uniform(torch.tensor([0.0, -1.0]), torch.tensor([2.0, 1.0]))
record("uniform_log_prob", u.log_prob(torch.tensor([1.0, 0.5])))
for bad_dist, bad_value in [(u, torch.tensor([1.0, 1.5])), (bp, torch.tensor([0.5, 1.0])),
                            (q1, torch.tensor([3]))]:
    try:
        bad_dist.log_prob(bad_value)
    except ValueError as e:
        record("support_error", "support" in str(e))
try:
    torch.distributions.Normal(0.0, -1.0)
except ValueError as e:
    record("scale_error", "scale" in str(e))
record("uniform_stats", (u.mean, u.variance, u.entropy()))
draws = u.sample((100,))
record("uniform_range", bool(((draws >= u.low) & (draws < u.high)).all()))
""", tmp_path)
