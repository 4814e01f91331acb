"""The less common torch names scripts still reach for (torch.diff, torch.isin, torch.histc,
windows, legacy in-place spellings, Tensor.new/random_/apply_...), run under torch and here."""

import pytest

from tests.compat.harness import run_compat


def test_numeric_helpers(tmp_path):
    run_compat("""
x = torch.tensor([[1.0, 4.0, 9.0, 16.0], [2.0, 3.0, 5.0, 7.0]])
record("diff", torch.diff(x))
record("diff2", x.diff(n=2, dim=1))
record("diff_bool", torch.diff(torch.tensor([True, False, False, True])))
record("diff_int", torch.diff(torch.arange(5) ** 2, prepend=torch.tensor([-1])))
record("cov", torch.cov(x))
record("cov_fw", torch.cov(x, fweights=torch.tensor([1, 2, 1, 3]), correction=0))
record("cov_int", torch.cov(torch.tensor([[1, 2, 3], [3, 1, 0]])))
record("corrcoef", torch.corrcoef(x))
record("inner", torch.inner(x, x))
record("dist", (torch.dist(x[0], x[1]), torch.dist(x[0], x[1], 1), x[0].dist(x[1], float("inf"))))
record("trapz", (torch.trapezoid(x), torch.trapz(x, dx=0.5)))
record("trapz_int", torch.trapezoid(torch.tensor([1, 2, 3])))
record("trapz_x", torch.trapezoid(x, torch.tensor([0.0, 1.0, 3.0, 6.0])))
record("cumtrapz", torch.cumulative_trapezoid(x, dim=1))
record("vander", (torch.vander(torch.tensor([1, 2, 3])), torch.vander(x[0], N=3, increasing=True)))
record("renorm", torch.renorm(x, 2, 0, 5.0))
record("sum_to_size", torch.ones(2, 3, 4).sum_to_size(3, 1))
record("ldexp", torch.ldexp(x, torch.tensor([1, 2, 3, 4])))
record("frexp", tuple(torch.frexp(x)))
record("combinations", torch.combinations(torch.tensor([1, 5, 7]), r=2))
record("combinations_wr", torch.combinations(torch.tensor([1.0, 2.0]), with_replacement=True))
""", tmp_path)


def test_integer_and_set_helpers(tmp_path):
    run_compat("""
a = torch.tensor([12, 18, -6, 0])
b = torch.tensor([8, 12, 4, 5])
record("gcd", (torch.gcd(a, b), a.lcm(b)))
record("shift", (torch.bitwise_left_shift(b, 2), b >> 1, b << torch.tensor([1, 0, 2, 1])))
record("isin", (torch.isin(a, b), torch.isin(a, torch.tensor([0, 12]), invert=True)))
record("unravel", torch.unravel_index(torch.tensor([0, 5, 7]), (2, 4)))
h = torch.tensor([1.0, 2.0, 1.0, 2.5, 4.0, -1.0])
record("histc", (torch.histc(h, bins=4, min=0, max=3), h.histc(bins=3)))
hist, edges = torch.histogram(h, bins=4)
record("histogram", (hist, edges))
record("histogram_w", tuple(torch.histogram(h, bins=3, range=(0.0, 3.0), weight=h.abs())))
u = torch.tensor([1, 2, 200], dtype=torch.uint8)
record("uint8_wrap", (u * 300, u + 300, u - 300, 300 - u, u * -1))
record("int8_wrap", torch.tensor([1, -3], dtype=torch.int8) * 1000)
""", tmp_path)


def test_creation_and_windows(tmp_path):
    run_compat("""
import warnings
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    record("range", (torch.range(0, 4), torch.range(1, 2, 0.25)))
    record("range_int", torch.range(0, 3, dtype=torch.int64))
record("scalar_tensor", (torch.scalar_tensor(3), torch.scalar_tensor(2, dtype=torch.int64)))
t = torch.ones(3)
record("asarray_same", torch.asarray(t) is t)
record("asarray", (torch.asarray([1, 2]), torch.asarray(np.arange(3.0))))
record("asarray_cast", torch.asarray(t, dtype=torch.float64))
for name in ("hann_window", "hamming_window", "blackman_window", "bartlett_window",
             "kaiser_window"):
    fn = getattr(torch, name)
    record(name, (fn(8), fn(7, periodic=False), fn(1), fn(0), fn(5, dtype=torch.float64)))
record("hamming_ab", torch.hamming_window(6, True, 0.5, 0.5))
record("kaiser_beta", torch.kaiser_window(6, False, 5.0))
""", tmp_path)


def test_predicates_and_legacy_inplace(tmp_path):
    run_compat("""
x = torch.tensor([[0.5, -1.5], [2.0, 4.0]])
u8 = torch.ones(1, dtype=torch.uint8)
record("is_signed", (torch.is_signed(x), u8.is_signed(), torch.arange(2).is_signed()))
record("is_same_size", (torch.is_same_size(x, x.T), x.is_same_size(torch.ones(3))))
record("typename", torch.typename(x))
record("flags", (x.is_sparse, x.is_quantized, x.is_meta, x.is_mps))
record("queries", (x.is_conj(), x.is_neg(), x.is_inference()))
record("identities", (x.conj(), x.resolve_conj(), x.resolve_neg(), x.real, x.to_dense()))
record("H", (x.H, x.mH, x.adjoint(), torch.ones(2, 2, 3).mH.shape))
y = x.clone()
for name in ("abs_", "exp_", "sqrt_", "log_", "neg_"):
    getattr(torch, name)(y)
record("top_inplace", y)
z = x.clone()
torch.clamp_(z, min=0.0, max=1.0)
torch.zero_(y)
record("clamp_zero", (z, y))
record("fill", (torch.fill(x, 7.0), torch.detach(x)))
m = torch.zeros(2, 3)
m.addmm_(torch.ones(2, 4), torch.ones(4, 3), alpha=0.5)
c = torch.arange(5.0)
c.cumsum_(0)
d = torch.arange(4.0)
d.less_(2.0)
record("method_inplace", (m, c, d, torch.arange(1, 5).cumprod_(0)))
""", tmp_path)


def test_tensor_helper_methods(tmp_path):
    run_compat("""
x = torch.arange(6.0).view(2, 3)
record("new_sizes", (x.new(2, 3).shape, x.new(2, 3).dtype == torch.float32, x.new().shape))
record("new_data", (x.new([1, 2]), torch.arange(3).new([4.0])))
a = torch.arange(4.0)
a.apply_(lambda v: v * v + 1)
b = torch.ones(2, 3)
b.map_(torch.tensor([1.0, 2.0, 3.0]), lambda u, v: u + 2 * v)
c = torch.zeros(3)
c.map2_(torch.ones(3), torch.arange(3.0), lambda u, v, w: u + v * w)
record("apply_map", (a, b, c))
r = torch.zeros(2, 1000)
r.random_(0, 5)
record("random_range", (r.min().item(), r.max().item(), r.eq(r.round()).all().item()))
r.random_(3)
record("random_to", (r.min().item(), r.max().item()))
r.cauchy_()
r.log_normal_()
record("log_normal_positive", bool((r > 0).all()))
r.geometric_(0.5)
record("geometric_min", r.min().item())
p = torch.full((3, 4), 0.5).bernoulli()
record("bernoulli", (p.shape, bool(((p == 0) | (p == 1)).all())))
record("multinomial", torch.tensor([[0.0, 1.0, 0.0]]).multinomial(2, replacement=True))
v = torch.arange(6.0)
w = v[2:]
record("offsets", (w.storage_offset(), v.storage_offset(), w.data_ptr() - v.data_ptr()))
s = torch.arange(4.0)
s.resize_(2, 2)
record("resize", s)
""", tmp_path)


def test_top_level_functional_aliases(tmp_path):
    run_compat("""
x = torch.sin(torch.arange(48.0)).view(2, 4, 6)
w = torch.cos(torch.arange(36.0)).view(3, 4, 3)
record("conv1d", torch.conv1d(x, w, None, 1, 1))
record("conv2d", torch.conv2d(x.view(2, 4, 2, 3), w.view(3, 4, 3, 1), padding=(1, 0)))
record("cosine_similarity", torch.cosine_similarity(x[0], x[1], dim=0))
record("pairwise_distance", torch.pairwise_distance(x[0], x[1]))
record("pdist", torch.pdist(x[0]))
record("pixel_shuffle", torch.pixel_shuffle(torch.arange(16.0).view(1, 4, 2, 2), 2))
record("hardshrink", (torch.hardshrink(x[0], 0.5), x[0].hardshrink()))
record("dropout_eval", torch.dropout(x, 0.5, False))
record("avg_pool1d", torch.avg_pool1d(x, 2))
record("adaptive_max_pool1d", tuple(torch.adaptive_max_pool1d(x, 3)))
record("group_norm", torch.group_norm(x, 2))
""", tmp_path)


@pytest.mark.parametrize("bad", ["cov3d", "histc_int", "imag", "combinations_2d"])
def test_errors_match_torch(tmp_path, bad):
    run_compat(f"""
cases = {{
    "cov3d": lambda: torch.cov(torch.ones(2, 2, 2)),
    "histc_int": lambda: torch.histc(torch.arange(3)),
    "imag": lambda: torch.ones(2).imag,
    "combinations_2d": lambda: torch.combinations(torch.ones(2, 2)),
}}
try:
    cases["{bad}"]()
    record("raised", False)
except RuntimeError:
    record("raised", True)
""", tmp_path)


def test_gamma_family_and_special(tmp_path):
    run_compat("""
x = torch.tensor([0.25, 1.0, 2.5, 7.0, -0.5, -2.25], requires_grad=True)
y = torch.lgamma(x) + x.digamma() * 0.5 + torch.polygamma(2, x) * 0.1
y.sum().backward()
record("values", y)
record("grad", x.grad)
record("mvlgamma", torch.mvlgamma(torch.tensor([2.5, 4.0]), 3))
record("poles", (torch.lgamma(torch.tensor([0.0, -1.0])), torch.digamma(torch.tensor([0.0, -1.0]))))
p = torch.tensor([-1.0, 0.0, 0.3, 2.0])
record("special", (torch.special.expit(p), torch.special.gammaln(p.abs() + 1),
                   torch.special.psi(p.abs() + 1), torch.special.entr(p), torch.special.ndtr(p),
                   torch.special.ndtri(torch.tensor([0.1, 0.5, 0.975])),
                   torch.special.xlog1py(torch.tensor([0.0, 1.0, 2.0]), p[1:]),
                   torch.special.multigammaln(torch.tensor([3.0]), 2),
                   torch.special.logsumexp(p, 0), torch.special.erfinv(p / 3)))
""", tmp_path)


def test_testing_assert_close(tmp_path):
    run_compat("""
a = torch.tensor([1.0, 2.0])
outcomes = []
for actual, expected, kwargs in [
        (a, a + 1e-6, {}), (a, a + 1e-3, {}), (a, a + 1e-3, {"rtol": 0.0, "atol": 1e-2}),
        (a, a.double(), {}), (a, a.double(), {"check_dtype": False}), (a, torch.ones(3), {}),
        (1.0, 1.0 + 1e-9, {}), (1, 2, {}), ([a, {"k": a}], [a, {"k": a.clone()}], {}),
        (torch.tensor([float("nan")]), torch.tensor([float("nan")]), {}),
        (torch.tensor([float("nan")]), torch.tensor([float("nan")]), {"equal_nan": True}),
        (torch.arange(3), torch.arange(3), {})]:
    try:
        torch.testing.assert_close(actual, expected, **kwargs)
        outcomes.append(True)
    except AssertionError:
        outcomes.append(False)
record("outcomes", outcomes)
torch.testing.assert_close(torch.ones(2) * 3, torch.full((2,), 3.0))
record("shape", torch.testing.make_tensor(2, 3, dtype=torch.float32, device="cpu").shape)
""", tmp_path)


def test_layouts_memory_formats_and_switches(tmp_path):
    run_compat("""
x = torch.ones(2, 3, 4, 5)
record("layout", (x.layout == torch.strided, repr(torch.strided), repr(torch.channels_last)))
y = x.to(memory_format=torch.channels_last).contiguous(memory_format=torch.contiguous_format)
record("same", y.clone(memory_format=torch.preserve_format))
record("dtype_class", (isinstance(torch.float32, torch.dtype), isinstance(x.dtype, torch.dtype)))
record("device", str(torch.get_default_device()))
torch.set_default_device("cpu")
torch.set_warn_always(True)
record("warn_always", torch.is_warn_always_enabled())
torch.set_warn_always(False)
record("interop", torch.get_num_interop_threads() >= 1)
""", tmp_path)


def test_set_default_tensor_type_sets_the_float_dtype():
    import autograd

    try:
        autograd.set_default_tensor_type(autograd.DoubleTensor)
        assert autograd.ones(1).dtype == autograd.float64
        autograd.set_default_tensor_type("torch.FloatTensor")
        assert autograd.ones(1).dtype == autograd.float32
        with pytest.raises(TypeError):
            autograd.set_default_tensor_type("torch.LongTensor")
    finally:
        autograd.set_default_dtype(autograd.float32)


def test_strided_views_and_small_functions(tmp_path):
    run_compat("""
x = torch.arange(12.0).view(3, 4)
record("as_strided", (torch.as_strided(x, (2, 2), (1, 2), 1), x.t().as_strided((2, 3), (1, 1)),
                      x[1:].as_strided((2,), (1,)), x.as_strided((2, 2), (0, 1))))
w = torch.arange(8.0).view(2, 4)[:, 1:]
record("as_strided_outside", w.as_strided((2, 2), (4, 1)))
signal = torch.arange(10.0, requires_grad=True)
windows = signal.as_strided((4, 3), (2, 1))
(windows * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
record("windows", windows)
record("windows_grad", signal.grad)
record("angle", (torch.angle(torch.tensor([-1.0, 0.0, 2.0, -0.0])), torch.tensor([-3, 2]).angle()))
record("nextafter", torch.nextafter(torch.tensor([1.0, 2.0]), torch.tensor([2.0, 0.0])))
dt = (torch.float32, torch.int32, torch.int64, torch.float16, torch.bool, torch.uint8)
record("can_cast", [torch.can_cast(a, b) for a in dt for b in dt])
record("misc", (torch.ones(2).name, torch.tensor([3]).is_nonzero()))
record("unsafe", (torch.unsafe_chunk(torch.arange(5), 2), torch.unsafe_split(torch.arange(5), 3)))
record("dropout_", torch.dropout_(torch.ones(3), 0.5, False))
""", tmp_path)


def test_device_namespaces_and_legacy_functional_spellings(tmp_path):
    run_compat("""
device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() \\
    else "cpu"
record("device", device)
record("counts", (torch.accelerator.device_count(), torch.cpu.is_available(),
                  torch.cpu.device_count(), torch.xpu.is_available(),
                  torch.get_device(torch.ones(1))))
w = torch.arange(12.0).view(4, 3)
record("embedding", torch.embedding(w, torch.tensor([[3, 0], [1, 1]])))
x = torch.linspace(-2, 2, 2 * 3 * 4).view(2, 3, 4)
mean, var = torch.zeros(3), torch.ones(3)
record("batch_norm", torch.batch_norm(x, torch.full((3,), 2.0), torch.ones(3), mean, var,
                                      True, 0.5, 1e-5, False))
record("running", (mean, var))
record("instance_norm", torch.instance_norm(x, None, None, None, None, True, 0.1, 1e-5, False))
record("constant_pad_nd", torch.constant_pad_nd(x[0], (1, 2), -1.0))
rates = torch.tensor([0.0, 1.0, 4.0])
record("poisson", (torch.poisson(rates).shape, torch.poisson(rates)[0].item()))
draws = torch.binomial(torch.full((200,), 10.0), torch.full((200,), 0.3))
record("binomial", (draws.dtype == torch.float32, bool((draws >= 0).all() and (draws <= 10).all())))
scaler = torch.GradScaler(enabled=False)
record("scaler", scaler.is_enabled())
""", tmp_path)


def test_gradient(tmp_path):
    run_compat("""
f = torch.tensor([[1.0, 2.0, 4.0, 8.0], [3.0, 5.0, 6.0, 10.0], [0.0, 1.0, 1.0, 2.0]])
record("all_dims", torch.gradient(f))
record("dim1", torch.gradient(f, spacing=0.5, dim=1))
record("edge2", torch.gradient(f, edge_order=2, dim=-1))
record("coords", torch.gradient(f, spacing=(torch.tensor([0.0, 1.0, 3.0]),
                                            torch.tensor([0.0, 0.5, 1.0, 2.5])), edge_order=2))
record("int", torch.gradient(torch.tensor([1, 4, 9, 16])))
for kwargs in ({"edge_order": 3}, {"spacing": [1.0, 2.0, 3.0]}):
    try:
        torch.gradient(f, **kwargs)
        record("raised", False)
    except RuntimeError:
        record("raised", True)
try:
    torch.gradient(torch.ones(2), edge_order=2)
    record("short", False)
except RuntimeError:
    record("short", True)
""", tmp_path)
