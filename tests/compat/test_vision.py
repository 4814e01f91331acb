"""CNN scripts: Conv2d/BatchNorm2d/MaxPool2d/AdaptiveAvgPool2d/flatten, torch vs the import swap."""

from tests.compat.harness import run_compat

IMAGES = """
rng = np.random.default_rng(0)
images = rng.normal(size=(8, 1, 12, 12)).astype(np.float32)
labels = rng.integers(0, 4, size=8)
"""


def test_small_cnn_training(tmp_path):
    run_compat(IMAGES + """
class Net(nn.Module):
    def __init__(self, num_classes=4):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 6, kernel_size=3, padding=1)
        self.bn1 = nn.BatchNorm2d(6)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 8, 3)
        self.fc1 = nn.Linear(8 * 2 * 2, 16)
        self.fc2 = nn.Linear(16, num_classes)

    def forward(self, x):
        x = self.pool(F.relu(self.bn1(self.conv1(x))))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        return self.fc2(x)

torch.manual_seed(0)
net = Net()
sync(net)
criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(net.parameters(), lr=0.01, momentum=0.9, nesterov=True, weight_decay=5e-4)
inputs = torch.from_numpy(images)
targets = torch.from_numpy(labels)
for epoch in range(3):
    net.train()
    optimizer.zero_grad()
    outputs = net(inputs)
    loss = criterion(outputs, targets)
    loss.backward()
    record("conv1_grad", net.conv1.weight.grad)
    optimizer.step()
    record("loss", loss.item())
net.eval()
with torch.no_grad():
    outputs = net(inputs)
    _, predicted = torch.max(outputs, 1)
    record("pred", predicted)
    record("total_correct", (predicted == targets).sum().item())
record("bn_stats", (net.bn1.running_mean, net.bn1.running_var))
record("repr", repr(net))
record("n_params", sum(p.numel() for p in net.parameters()))
record("named", [n for n, _ in net.named_parameters()])
record("buffers", [n for n, _ in net.named_buffers()])
record("children", [type(m).__name__ for m in net.children()])
record("modules", len(list(net.modules())))
""", tmp_path)


def test_sequential_cnn_adaptive_pool(tmp_path):
    run_compat(IMAGES + """
torch.manual_seed(0)
model = nn.Sequential(
    nn.Conv2d(1, 4, 3, stride=1, padding=1, bias=False),
    nn.BatchNorm2d(4),
    nn.ReLU(inplace=True),
    nn.Conv2d(4, 8, kernel_size=(3, 3), stride=2),
    nn.LeakyReLU(0.1),
    nn.AvgPool2d(2),
    nn.Dropout2d(0.0),
    nn.AdaptiveAvgPool2d((1, 1)),
    nn.Flatten(),
    nn.Linear(8, 4),
)
sync(model)
opt = optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.99))
x = torch.from_numpy(images)
y = torch.from_numpy(labels)
for _ in range(3):
    loss = F.cross_entropy(model(x), y, label_smoothing=0.1)
    opt.zero_grad()
    loss.backward()
    opt.step()
    record("loss", loss)
model.eval()
record("eval", model(x))
record("repr", repr(model))
record("feature_shape", tuple(model[:4](x).shape))
record("state_dict_keys", list(model.state_dict()))
record("len", len(model))
""", tmp_path)


def test_functional_conv_pool_and_upsample(tmp_path):
    run_compat(IMAGES + """
x = torch.from_numpy(images[:2])
w = torch.from_numpy(np.linspace(-1, 1, 3 * 1 * 3 * 3, dtype=np.float32).reshape(3, 1, 3, 3))
w.requires_grad_(True)
y = F.conv2d(x, w, padding=1)
record("conv", y)
record("max_pool", F.max_pool2d(y, 2))
record("max_pool_k3s2", F.max_pool2d(y, kernel_size=3, stride=2, padding=1))
record("avg_pool", F.avg_pool2d(y, 2))
record("adaptive_max", F.adaptive_max_pool2d(y, 1))
record("adaptive_avg", F.adaptive_avg_pool2d(y, (3, 3)))
record("interpolate", F.interpolate(y, scale_factor=2, mode="nearest"))
record("bilinear", F.interpolate(y, size=(5, 5), mode="bilinear", align_corners=False))
record("pad", F.pad(y, (1, 1, 2, 0)))
record("mean_hw", y.mean(dim=(2, 3)))
loss = F.max_pool2d(y, 2).pow(2).mean()
loss.backward()
record("w_grad", w.grad)
record("conv1d", F.conv1d(x[:, :, 0, :], w[:, :, 0, :]))
record("conv_transpose", nn.ConvTranspose2d(1, 2, 2, stride=2)(x).shape)
""", tmp_path)


def test_resnet_block_with_residual(tmp_path):
    run_compat(IMAGES + """
class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, in_planes, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_planes != planes:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_planes, planes, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm2d(planes),
            )

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += self.shortcut(x)
        return F.relu(out)

class TinyResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(1, 4, 3, padding=1)
        self.layers = nn.ModuleList([BasicBlock(4, 4), BasicBlock(4, 8, stride=2)])
        self.head = nn.Linear(8, 4)

    def forward(self, x):
        x = self.stem(x)
        for layer in self.layers:
            x = layer(x)
        x = F.adaptive_avg_pool2d(x, 1).view(x.size(0), -1)
        return self.head(x)

torch.manual_seed(0)
model = TinyResNet()
sync(model)
opt = optim.SGD(model.parameters(), lr=0.05)
x = torch.from_numpy(images)
y = torch.from_numpy(labels)
for _ in range(2):
    opt.zero_grad()
    loss = nn.CrossEntropyLoss()(model(x), y)
    loss.backward()
    opt.step()
    record("loss", loss.item())
record("repr", str(model))
record("keys", list(model.state_dict().keys()))
model.eval()
record("eval", model(x))
""", tmp_path)
