"""DataLoader usage beyond TensorDataset: numpy samples, dict samples with strings, a padding
collate_fn for variable-length sequences, samplers, and batches unpacked in a training loop."""

from tests.compat.harness import run_compat


def test_numpy_dataset_and_default_collate(tmp_path):
    run_compat("""
class NumpyDataset(torch.utils.data.Dataset):
    def __init__(self):
        rng = np.random.default_rng(0)
        self.x = rng.normal(size=(10, 3)).astype(np.float32)
        self.y = rng.integers(0, 2, size=10)

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return {"features": self.x[i], "label": int(self.y[i]), "weight": 0.5 * i,
                "name": f"item{i}"}

loader = DataLoader(NumpyDataset(), batch_size=4, shuffle=False)
for batch in loader:
    record("features", batch["features"])
    record("label", batch["label"])
    record("weight", batch["weight"])
    record("name", batch["name"])
record("n", len(loader))
pairs = DataLoader([(np.ones(2, dtype=np.float64) * i, np.int64(i)) for i in range(3)],
                   batch_size=3)
for xs, ys in pairs:
    record("f64", xs)
    record("i64", ys)
nested = DataLoader([((torch.tensor([i]), torch.tensor(float(i))), [i, i + 1]) for i in range(4)],
                    batch_size=2)
for (a, b), c in nested:
    record("nested", (a, b, c))
""", tmp_path)


def test_padding_collate_fn_for_sequences(tmp_path):
    run_compat("""
seqs = [[3, 1, 4], [1, 5], [9, 2, 6, 5], [3]]
labels = [0, 1, 1, 0]

def collate(batch):
    xs, ys = zip(*batch)
    lengths = torch.tensor([len(x) for x in xs])
    padded = nn.utils.rnn.pad_sequence([torch.tensor(x) for x in xs], batch_first=True,
                                       padding_value=0)
    return padded, lengths, torch.tensor(ys)

data = list(zip(seqs, labels))
loader = DataLoader(data, batch_size=2, collate_fn=collate)
torch.manual_seed(0)
emb = nn.Embedding(10, 4, padding_idx=0)
rnn = nn.GRU(4, 3, batch_first=True)
head = nn.Linear(3, 2)
model = nn.ModuleList([emb, rnn, head])
sync(model)
for padded, lengths, ys in loader:
    packed = nn.utils.rnn.pack_padded_sequence(emb(padded), lengths, batch_first=True,
                                               enforce_sorted=False)
    _, h = rnn(packed)
    logits = head(h[-1])
    record("padded", padded)
    record("logits", logits)
    record("loss", F.cross_entropy(logits, ys))
sampler = torch.utils.data.SequentialSampler(data)
record("sequential", list(sampler))
batch_sampler = torch.utils.data.BatchSampler(sampler, batch_size=3, drop_last=False)
record("batches", list(batch_sampler))
loader2 = DataLoader(data, batch_sampler=batch_sampler, collate_fn=collate)
record("n_batches", [b[0].shape[0] for b in loader2])
loader3 = DataLoader(data, batch_size=3, drop_last=True, collate_fn=collate)
record("drop_last", len(loader3))
""", tmp_path)
