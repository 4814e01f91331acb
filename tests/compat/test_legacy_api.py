"""Older-style torch code: torch.Tensor(sizes) parameters, FloatTensor types, torch.nn.* and
torch.optim.* reached through the torch name, module constants and dtype limits."""

from tests.compat.harness import run_compat


def test_custom_layer_with_legacy_tensor_constructor(tmp_path):
    run_compat("""
import math

class MyLinear(torch.nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.Tensor(out_features, in_features))
        self.bias = torch.nn.Parameter(torch.Tensor(out_features))
        self.reset_parameters()

    def reset_parameters(self):
        torch.nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        bound = 1 / math.sqrt(self.weight.size(1))
        torch.nn.init.uniform_(self.bias, -bound, bound)

    def forward(self, x):
        return torch.nn.functional.linear(x, self.weight, self.bias)

torch.manual_seed(0)
layer = MyLinear(3, 2)
record("shapes", (tuple(layer.weight.shape), tuple(layer.bias.shape)))
record("dtype", layer.weight.dtype == torch.float32)
sync(layer)
x = torch.Tensor([[1, 2, 3], [4, 5, 6]])
record("x", x)
record("out", layer(x))
opt = torch.optim.SGD(layer.parameters(), lr=0.1)
sched = torch.optim.lr_scheduler.StepLR(opt, 1, gamma=0.5)
loss = torch.nn.MSELoss()(layer(x), torch.zeros(2, 2))
loss.backward()
torch.nn.utils.clip_grad_norm_(layer.parameters(), 1.0)
opt.step()
sched.step()
record("after", layer.weight)
record("lr", sched.get_last_lr())
record("empty", tuple(torch.Tensor().shape))
record("from_np", torch.Tensor(np.array([1, 2])))
record("from_tuple", torch.Tensor((1.5, 2)))
t = torch.tensor([1, 2])
record("alias_dtype", torch.Tensor(t).dtype == torch.int64)
""", tmp_path)


def test_legacy_typed_tensors(tmp_path):
    run_compat("""
f = torch.FloatTensor([1, 2, 3])
l = torch.LongTensor([[1, 2]])
record("values", (f, l))
record("sizes", tuple(torch.FloatTensor(2, 3).shape))
record("isinstance", (isinstance(f, torch.FloatTensor), isinstance(f, torch.LongTensor),
                      isinstance(l, torch.LongTensor), isinstance(f, torch.Tensor)))
record("bool_byte", (torch.BoolTensor([1, 0]), torch.ByteTensor([3]), torch.DoubleTensor([1])))
record("type_class", l.type(torch.FloatTensor))
record("type_string", f.type("torch.LongTensor"))
record("type_dtype", l.type(torch.float64))
record("type_name", f.type().split(".")[1])
""", tmp_path)


def test_constants_limits_threads(tmp_path):
    run_compat("""
record("inf", (torch.inf, -torch.inf, torch.pi, torch.e))
record("nan", torch.nan != torch.nan)
record("masked", torch.tensor([1.0, 2.0]).masked_fill(torch.tensor([True, False]), -torch.inf))
record("finfo32", (torch.finfo(torch.float32).eps, torch.finfo(torch.float32).max,
                   torch.finfo(torch.float32).tiny, torch.finfo(torch.float).bits))
record("finfo64", (torch.finfo(torch.float64).eps, torch.finfo(torch.float64).min))
record("finfo16", torch.finfo(torch.float16).max)
record("finfo_default", torch.finfo().eps)
record("iinfo", (torch.iinfo(torch.int64).max, torch.iinfo(torch.int32).min,
                 torch.iinfo(torch.uint8).max, torch.iinfo(torch.int16).bits))
eps = torch.finfo(torch.float32).eps
record("clamped_log", torch.log(torch.tensor([0.0, 1.0]).clamp(min=eps)))
try:
    torch.finfo(torch.int64)
except TypeError:
    record("finfo_int", "TypeError")
previous = torch.get_num_threads()
torch.set_num_threads(1)
record("threads", torch.get_num_threads())
torch.set_num_threads(previous)
record("version", isinstance(torch.__version__, str))
""", tmp_path)
