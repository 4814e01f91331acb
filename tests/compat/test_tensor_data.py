"""torch idioms that go through Tensor.data: a detached tensor sharing memory."""

from tests.compat.harness import run_compat


def test_tensor_data_idioms(tmp_path):
    run_compat("""
torch.manual_seed(0)
model = nn.Linear(4, 3)
sync(model)
x = torch.from_numpy(np.linspace(-1, 1, 8, dtype=np.float32).reshape(2, 4))
out = model(x)
_, predicted = torch.max(out.data, 1)
record("predicted", predicted)
record("data_is_tensor", torch.is_tensor(out.data))
record("data_requires_grad", out.data.requires_grad)
model.bias.data.zero_()
model.weight.data.fill_(0.1)
record("bias", model.bias)
record("weight", model.weight)
w = model.weight
w.data = w.data * 2
record("assigned", model.weight)
loss = out.sum()
loss.backward()
model.weight.grad.data.zero_()
record("grad_zeroed", model.weight.grad)
record("loss_data_item", loss.data.item())
for p in model.parameters():
    p.data.add_(p.grad.data, alpha=-0.1)
record("updated", list(model.parameters()))
""", tmp_path)
