"""The benchmark of Scripts/bench: the same workloads in xe, NumPy/CPython, JAX and PyTorch.

Data is generated with NumPy and saved as .npy; xe loads it and times each task RUNS times
with timeit; NumPy, JAX (jit, float64, on the CPU) and PyTorch (CPU, float64, when installed)
are timed the same way on the same data in the same run, in ROUNDS rounds (argument 2, default
2) that time each task in xe (a process of its own) and then in the others before the next
task; each time is the fastest of RUNS x ROUNDS runs (a shared host's other load only ever
adds time: the fastest run is the nearest to each side's own speed). xe's results
are checked against NumPy's (the largest relative difference is printed). The ratio columns are
xe's time over the other's: below 1, xe is faster. xe's peak memory (maximum resident set) for
the gradient of the focal script loss is measured in a process of its own.
"""
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
import timeit

import numpy as np

try:
    import jax
    jax.config.update("jax_enable_x64", True)
    jax.config.update("jax_platforms", "cpu")
    import jax.numpy as jnp
except ImportError:
    jax = None
try:
    import torch
    torch.set_default_dtype(torch.float64)
except ImportError:
    torch = None

xe, runs = sys.argv[1], int(sys.argv[2])
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 2
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
saved = [("y", y), ("p", p), ("z", z), ("Z", Z), ("labels", labels), ("w", w), ("W", W)]
for name, array in saved:
    np.save(os.path.join(work, name + ".npy"), array)

eps = 1e-15
gamma = 2.0
poly_eps = 1.0


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


def np_focal():
    return np.mean(-(y * (1 - p) ** gamma * np.log(p) + (1 - y) * p ** gamma * np.log(1 - p)))


def np_focal_grad():
    a = y * (-gamma * (1 - p) ** (gamma - 1) * np.log(p) + (1 - p) ** gamma / p)
    b = (1 - y) * (gamma * p ** (gamma - 1) * np.log(1 - p) - p ** gamma / (1 - p))
    return -(a + b) / n


def np_mse():
    return np.mean((y - p) ** 2)


def np_mse_grad():
    return -2 * (y - p) / n


def np_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def np_poly1():
    q = np_sigmoid(z)
    bce = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
    return np.mean(bce + poly_eps * (1 - (y * q + (1 - y) * (1 - q))))


def np_poly1_grad():
    q = np_sigmoid(z)
    return ((q - y) - poly_eps * (2 * y - 1) * q * (1 - q)) / n


def py_loop():
    s = 0
    for i in range(1000000):
        s = s + i * 0.5
    return s


# The same formulas for JAX and PyTorch (module `m` is jax.numpy or torch).
def f_bce(m, y, p):
    c = m.clip(p, eps, 1 - eps)
    return -m.mean(y * m.log(c) + (1 - y) * m.log(1 - c))


def f_bce_logits(m, y, z):
    return m.mean(m.maximum(z, m.zeros_like(z)) - z * y + m.log1p(m.exp(-m.abs(z))))


def f_cce_logits(m, labels, Z):
    lse = torch.logsumexp(Z, dim=1) if m is torch else jax.scipy.special.logsumexp(Z, axis=1)
    picked = Z[m.arange(Z.shape[0]), labels]
    return m.mean(lse - picked)


def f_focal(m, y, p):
    return m.mean(-(y * (1 - p) ** gamma * m.log(p) + (1 - y) * p ** gamma * m.log(1 - p)))


def f_mse(m, y, p):
    return m.mean((y - p) ** 2)


def f_poly1(m, y, z):
    q = 1 / (1 + m.exp(-z))
    bce = m.maximum(z, m.zeros_like(z)) - z * y + m.log1p(m.exp(-m.abs(z)))
    return m.mean(bce + poly_eps * (1 - (y * q + (1 - y) * (1 - q))))


def workloads(m, grad, softmax):
    """{task key: (function, names of its arguments)} for module m (jax.numpy or torch)."""
    return {
        "bce": (lambda y, p: f_bce(m, y, p), ("y", "p")),
        "grad bce": (grad(lambda p, y: f_bce(m, y, p)), ("p", "y")),
        "bce_logits": (lambda y, z: f_bce_logits(m, y, z), ("y", "z")),
        "grad bce_logits": (grad(lambda z, y: f_bce_logits(m, y, z)), ("z", "y")),
        "cce_logits": (lambda l, Z: f_cce_logits(m, l, Z), ("labels", "Z")),
        "grad cce_logits": (grad(lambda Z, l: f_cce_logits(m, l, Z)), ("Z", "labels")),
        "softmax": (softmax, ("Z",)),
        "exp": (m.exp, ("Z",)),
        "Z * w": (lambda Z, w: Z * w, ("Z", "w")),
        "Z @ W": (lambda Z, W: Z @ W, ("Z", "W")),
        "focal": (lambda y, p: f_focal(m, y, p), ("y", "p")),
        "grad focal": (grad(lambda p, y: f_focal(m, y, p)), ("p", "y")),
        "mse": (lambda y, p: f_mse(m, y, p), ("y", "p")),
        "grad mse": (grad(lambda p, y: f_mse(m, y, p)), ("p", "y")),
        "poly1": (lambda y, z: f_poly1(m, y, z), ("y", "z")),
        "grad poly1": (grad(lambda z, y: f_poly1(m, y, z)), ("z", "y")),
    }


def frameworks():
    """{task key: [JAX run, PyTorch run]}, each timed without arguments; None where absent."""
    data = [("y", y), ("p", p), ("z", z), ("Z", Z), ("w", w), ("W", W), ("labels", idx)]
    fns = {}
    if jax is not None:
        J = {k: jnp.asarray(v) for k, v in data}
        for key, (f, names) in workloads(jnp, jax.grad, lambda Z: jax.nn.softmax(Z, axis=1)).items():
            compiled, args = jax.jit(f), [J[k] for k in names]
            fns.setdefault(key, [None, None])[0] = lambda compiled=compiled, args=args: compiled(*args).block_until_ready()
    if torch is not None:
        from torch.func import grad as tgrad
        T = {k: torch.from_numpy(v) for k, v in data}
        for key, (f, names) in workloads(torch, tgrad, lambda Z: torch.softmax(Z, dim=1)).items():
            args = [T[k] for k in names]
            fns.setdefault(key, [None, None])[1] = lambda f=f, args=args: f(*args)
    return fns


losses_xe = [
    "loss my_focal(y, p, gamma=2) = mean(-(y * (1-p)^gamma * log(p) + (1-y) * p^gamma * log(1-p)))",
    "loss mse(y, p) = mean((y - p)^2)",
    'loss poly1(y, z, eps=1) = { q = sigmoid(z); mean(bce_logits(y, z, reduction="none") + eps*(1 - (y*q + (1-y)*(1-q)))) }',
]

# (row name, key for the frameworks, xe expression, NumPy function)
tasks = [
    ("bce(y, p)  n=1e7", "bce", "bce(y, p)", np_bce),
    ("grad(bce(y, p), p)", "grad bce", "grad(bce(y, p), p)", np_bce_grad),
    ("bce_logits(y, z)  n=1e7", "bce_logits", "bce_logits(y, z)", np_bce_logits),
    ("grad(bce_logits(y, z), z)", "grad bce_logits", "grad(bce_logits(y, z), z)", np_bce_logits_grad),
    ("cce_logits(labels, Z)  200000x100", "cce_logits", "cce_logits(labels, Z)", np_cce_logits),
    ("grad(cce_logits(labels, Z), Z)", "grad cce_logits", "grad(cce_logits(labels, Z), Z)", np_cce_logits_grad),
    ("softmax(Z)", "softmax", "softmax(Z)", np_softmax),
    ("exp(Z)", "exp", "exp(Z)", lambda: np.exp(Z)),
    ("Z * w  (row broadcast)", "Z * w", "Z * w", lambda: Z * w),
    ("Z @ W  200000x100 @ 100x100", "Z @ W", "Z @ W", lambda: Z @ W),
    ("script focal(y, p)  n=1e7", "focal", "my_focal(y, p)", np_focal),
    ("grad(focal(y, p), p)", "grad focal", "grad(my_focal(y, p), p)", np_focal_grad),
    ("script mse(y, p)  n=1e7", "mse", "mse(y, p)", np_mse),
    ("grad(mse(y, p), p)", "grad mse", "grad(mse(y, p), p)", np_mse_grad),
    ("script poly1(y, z)  n=1e7", "poly1", "poly1(y, z)", np_poly1),
    ("grad(poly1(y, z), z)", "grad poly1", "grad(poly1(y, z), z)", np_poly1_grad),
    ("scalar loop 1e6 (vs CPython)", None, "{ s = 0; for i in range(1000000) { s = s + i * 0.5 }; s }", py_loop),
]

def xe_script(i, expr, save):
    """The xe program that times task i: the arrays it reads, the script losses, one run that
    keeps the result (and warms up, as JAX's first call compiles), the timed runs, and, when
    `save`, the result saved after them (a file written while a later task is timed is written
    back to disk on the same cores: a gigabyte of results made mse 2x slower)."""
    used = [a for a, _ in saved if re.search(rf"\b{a}\b", expr)]
    lines = [f'{a} = load("{a}.npy")' for a in used] + losses_xe + [f"r = {expr}"]
    lines.append(f'for k in range({runs}) {{ print("time", {i}, timeit(() -> {expr}, 1)) }}')
    if save:
        lines.append(f'save("r{i}.npy", r)')
    path = os.path.join(work, f"task{i}.xe")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


others = frameworks()
# Each task is timed in xe and in the others in turn, task by task, in each of the rounds, and
# each time is the fastest over every round: a machine whose speed drifts over minutes (a shared
# host) slows both sides of a row alike, and its other load only ever adds time.
xe_times = {i: [] for i in range(len(tasks))}
other_times = {i: [[], [], []] for i in range(len(tasks))}  # NumPy, JAX, PyTorch
references = {}
load_before = os.getloadavg()[0]
for r in range(rounds):
    for i, (name, key, expr, fn) in enumerate(tasks):
        os.sync()  # the data files (and the last results) written back before anything is timed
        out = subprocess.run([xe, xe_script(i, expr, r == 0)], cwd=work, capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit("xe failed:\n" + out.stderr)
        os.sync()  # xe's result written back before NumPy, JAX and PyTorch are timed
        for line in out.stdout.splitlines():
            _, k, t = line.split()
            xe_times[int(k)].append(float(t))
        if i not in references:
            references[i] = fn()
        other_times[i][0] += timeit.repeat(fn, number=1, repeat=runs)
        for k, f in enumerate(others.get(key, [None, None])):
            if f is not None:
                if r == 0:
                    f()  # compiles (JAX) and warms up
                other_times[i][k + 1] += timeit.repeat(f, number=1, repeat=runs)

results = []
for i, (name, key, _, fn) in enumerate(tasks):
    got = np.load(os.path.join(work, f"r{i}.npy"))
    ref = np.asarray(references[i], dtype=np.float64)
    diff = float(np.max(np.abs(got - ref) / np.maximum(np.abs(ref), 1e-300))) if ref.size else 0.0
    fastest = [min(t) if t else None for t in other_times[i]]
    results.append((name, min(xe_times[i]), fastest[0], fastest[1], fastest[2], diff))


def startup(cmd):
    times = []
    for _ in range(max(runs, 11)):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return min(times)


results.append(("start-up: xe -e '1+1' (vs python3 -c)", startup([xe, "-e", "1+1"]), startup([sys.executable, "-c", "1+1"]), None, None, 0.0))


def peak_rss(program):
    """The maximum resident set, in bytes, of an xe process running `program`. It is started
    from a small Python process: a child forked from this one (which holds every array)
    would report this process's size as its own maximum."""
    with open(os.path.join(work, "peak.xe"), "w") as f:
        f.write(program + "\n")
    measure = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", measure, xe, "peak.xe"], cwd=work, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit("xe failed:\n" + out.stderr)
    return int(out.stdout) * 1024


inputs = y.nbytes + p.nbytes
loaded = peak_rss('y = load("y.npy"); p = load("p.npy")')
peak = peak_rss('y = load("y.npy"); p = load("p.npy"); ' + losses_xe[0] + "; g = grad(my_focal(y, p), p)")
load_after = os.getloadavg()[0]

cpu = "unknown CPU"
try:
    with open("/proc/cpuinfo") as f:
        info = f.read().splitlines()
    cpu = next(l.split(":", 1)[1].strip() for l in info if l.startswith("model name"))
    flags = next(l.split(":", 1)[1].split() for l in info if l.startswith("flags"))
    cpu += " (AVX-512)" if "avx512f" in flags else (" (AVX2, no AVX-512)" if "avx2" in flags else "")
except (OSError, StopIteration):
    pass
versions = f"NumPy {np.__version__}"
versions += f", JAX {jax.__version__}" if jax is not None else ", no JAX"
versions += f", PyTorch {torch.__version__}" if torch is not None else ", no PyTorch"
print(f"{cpu}, {os.cpu_count()} cores, Linux {platform.release()}, Python {platform.python_version()}, {versions}; "
      f"fastest of {runs} runs in each of {rounds} rounds; load average {load_before:.1f} before, {load_after:.1f} after")
print()


def ms(t):
    return f"{t * 1e3:.1f}ms" if t is not None else "—"


def ratio(a, b):
    return f"{a / b:.2f}" if b is not None else "—"


print(f"| {'task':<38} | {'xe':>8} | {'NumPy/Py':>9} | {'JAX jit':>8} | {'PyTorch':>8} | {'/NumPy':>6} | {'/JAX':>5} | {'/Torch':>6} | {'max rel diff':>12} |")
print(f"|{'-' * 40}|{'-' * 9}:|{'-' * 10}:|{'-' * 9}:|{'-' * 9}:|{'-' * 7}:|{'-' * 6}:|{'-' * 7}:|{'-' * 13}:|")
for name, a, b, j, tt, d in results:
    print(f"| {name:<38} | {ms(a):>8} | {ms(b):>9} | {ms(j):>8} | {ms(tt):>8} | {ratio(a, b):>6} | {ratio(a, j):>5} | {ratio(a, tt):>6} | {d:>12.1e} |")
print()
print(f"xe's peak memory for grad(my_focal(y, p), p) (the focal script loss), n=1e7: {peak / 2**20:.0f} MiB = {peak / inputs:.1f}× its two inputs "
      f"({inputs / 2**20:.0f} MiB); loading the inputs alone peaks at {loaded / 2**20:.0f} MiB")
