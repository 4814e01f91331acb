"""List the public names of torch's main namespaces that the import swap lacks.

Run: PYTHONPATH=$PWD python tests/compat/dir_sweep.py  (needs torch; prints counts and names)
"""

import importlib

PAIRS = [("torch", "autograd"), ("torch.nn", "nn"), ("torch.nn.functional", "nn.functional"),
         ("torch.optim", "optim"), ("torch.utils.data", "autograd.utils.data")]


def missing(theirs: str, ours: str) -> tuple[int, list[str]]:
    ref, mine = importlib.import_module(theirs), importlib.import_module(ours)
    public = [n for n in dir(ref) if not n.startswith("_")]
    return len(public), [n for n in public if not hasattr(mine, n)]


if __name__ == "__main__":
    for theirs, ours in PAIRS:
        total, names = missing(theirs, ours)
        print(f"== {theirs}: {total} public names, {len(names)} missing")
        print(" ".join(names))
