"""The benchmark of Scripts/bench: the same workloads in xe and in NumPy/CPython, one run.

Data is generated with NumPy and saved as .npy; xe loads it and times each task with
timeit (the median of RUNS runs); NumPy is timed the same way (median of RUNS). xe's results
are also checked against NumPy's (the largest relative difference is printed).
"""
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import timeit

import numpy as np

xe, runs = sys.argv[1], int(sys.argv[2])
work = tempfile.mkdtemp(prefix="xe-bench-")
rng = np.random.default_rng(0)
n = 10**7
y = (rng.random(n) < 0.5).astype(np.float64)
p = rng.uniform(0.001, 0.999, n)
z = rng.standard_normal(n) * 3
Z = rng.standard_normal((200_000, 100))
labels = rng.integers(0, 100, 200_000).astype(np.float64)
w = rng.standard_normal(100)
W = rng.standard_normal((100, 100))
for name, array in [("y", y), ("p", p), ("z", z), ("Z", Z), ("labels", labels), ("w", w), ("W", W)]:
    np.save(os.path.join(work, name + ".npy"), array)

eps = 1e-15


def np_bce():
    c = np.clip(p, eps, 1 - eps)
    return -np.mean(y * np.log(c) + (1 - y) * np.log(1 - c))


def np_bce_grad():
    c = np.clip(p, eps, 1 - eps)
    return (-(y / c) + (1 - y) / (1 - c)) / n


def np_bce_logits():
    return np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))


def np_bce_logits_grad():
    return (1 / (1 + np.exp(-z)) - y) / n


rows = np.arange(Z.shape[0])
idx = labels.astype(np.int64)


def np_cce_logits():
    m = Z.max(axis=1, keepdims=True)
    lse = np.log(np.exp(Z - m).sum(axis=1)) + m[:, 0]
    return np.mean(lse - Z[rows, idx])


def np_cce_logits_grad():
    m = Z.max(axis=1, keepdims=True)
    e = np.exp(Z - m)
    g = e / e.sum(axis=1, keepdims=True)
    g[rows, idx] -= 1
    return g / Z.shape[0]


def np_softmax():
    m = Z.max(axis=1, keepdims=True)
    e = np.exp(Z - m)
    return e / e.sum(axis=1, keepdims=True)


def py_loop():
    s = 0
    for i in range(1000000):
        s = s + i * 0.5
    return s


tasks = [
    ("bce(y, p)  n=1e7", "bce(y, p)", np_bce),
    ("grad(bce(y, p), p)", "grad(bce(y, p), p)", np_bce_grad),
    ("bce_logits(y, z)  n=1e7", "bce_logits(y, z)", np_bce_logits),
    ("grad(bce_logits(y, z), z)", "grad(bce_logits(y, z), z)", np_bce_logits_grad),
    ("cce_logits(labels, Z)  200000x100", "cce_logits(labels, Z)", np_cce_logits),
    ("grad(cce_logits(labels, Z), Z)", "grad(cce_logits(labels, Z), Z)", np_cce_logits_grad),
    ("softmax(Z)", "softmax(Z)", np_softmax),
    ("exp(Z)", "exp(Z)", lambda: np.exp(Z)),
    ("Z * w  (row broadcast)", "Z * w", lambda: Z * w),
    ("Z @ W  200000x100 @ 100x100", "Z @ W", lambda: Z @ W),
    ("scalar loop 1e6 (vs CPython)", "{ s = 0; for i in range(1000000) { s = s + i * 0.5 }; s }", py_loop),
]

script = ['y = load("y.npy"); p = load("p.npy"); z = load("z.npy"); Z = load("Z.npy"); labels = load("labels.npy"); w = load("w.npy"); W = load("W.npy")']
for i, (_, expr, _) in enumerate(tasks):
    script.append(f"r{i} = {expr}")
    script.append(f'print("time", {i}, timeit(() -> {expr}, {runs}))')
    script.append(f'save("r{i}.npy", r{i})')
with open(os.path.join(work, "bench.xe"), "w") as f:
    f.write("\n".join(script) + "\n")
out = subprocess.run([xe, "bench.xe"], cwd=work, capture_output=True, text=True)
if out.returncode != 0:
    sys.exit("xe failed:\n" + out.stderr)
xe_times = {}
for line in out.stdout.splitlines():
    _, i, t = line.split()
    xe_times[int(i)] = float(t)

results = []
for i, (name, _, fn) in enumerate(tasks):
    reference = fn()
    t = statistics.median(timeit.repeat(fn, number=1, repeat=runs))
    got = np.load(os.path.join(work, f"r{i}.npy"))
    ref = np.asarray(reference, dtype=np.float64)
    diff = float(np.max(np.abs(got - ref) / np.maximum(np.abs(ref), 1e-300))) if ref.size else 0.0
    results.append((name, xe_times[i], t, diff))


def startup(cmd):
    times = []
    for _ in range(max(runs, 11)):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


results.append(("start-up: xe -e '1+1' (vs python3 -c)", startup([xe, "-e", "1+1"]), startup([sys.executable, "-c", "1+1"]), 0.0))

cpu = "unknown CPU"
try:
    with open("/proc/cpuinfo") as f:
        cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
except (OSError, StopIteration):
    pass
print(f"{cpu}, {os.cpu_count()} cores, Linux {platform.release()}, NumPy {np.__version__}, Python {platform.python_version()}; median of {runs} runs")
print()
print(f"| {'task':<40} | {'xe':>9} | {'NumPy/Python':>12} | {'ratio':>6} | {'max rel diff':>12} |")
print(f"|{'-' * 42}|{'-' * 11}:|{'-' * 14}:|{'-' * 7}:|{'-' * 14}:|")
for name, a, b, d in results:
    print(f"| {name:<40} | {a * 1e3:>7.1f}ms | {b * 1e3:>10.1f}ms | {a / b:>6.2f} | {d:>12.1e} |")
