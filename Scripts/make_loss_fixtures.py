#!/usr/bin/env python3
"""Writes Tests/XECLITests/Fixtures/conformance/loss_family.json: xe programs of the
cross-entropy family next to the values the real libraries compute for them, in float64.

Needs torch, keras 3 (jax backend), tf_keras (with tensorflow), scikit-learn, optax and jax.
The tests read the JSON only; they never need Python. Run from the checkout:
    KERAS_BACKEND=jax python3 Scripts/make_loss_fixtures.py
"""
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import jax

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp
import optax
import torch
import torch.nn.functional as F
import keras
from sklearn.metrics import log_loss

keras.config.set_floatx("float64")
# Keras 3's ops.mean computes a float64 input in float32 (it promotes with "float32"); the
# fixtures take each library's rule in float64, not its rounding, so the mean is jnp.mean here.
import keras.src.backend as _keras_backend

_keras_backend.numpy.mean = lambda x, axis=None, keepdims=False: jnp.mean(jnp.asarray(x), axis=axis, keepdims=keepdims)
torch.set_default_dtype(torch.float64)

try:
    import tf_keras
    import tensorflow as tf

    tf_keras.backend.set_floatx("float64")
except ImportError:  # tf_keras is optional: its cases are left out
    tf_keras = None

CASES = []


def lit(x):
    """An xe literal for a number or nested list."""
    a = np.asarray(x, dtype=np.float64)
    if a.ndim == 0:
        v = float(a)
        if np.isinf(v):
            return "-inf" if v < 0 else "inf"
        return repr(v) if v != int(v) or abs(v) > 1e15 else str(int(v))
    return "[" + ", ".join(lit(v) for v in a) + "]"


def flat(*values):
    out = []
    for v in values:
        out += [float(x) for x in np.asarray(v, dtype=np.float64).ravel()]
    return out


def case(name, program, *expected, tol=1e-10):
    CASES.append({"id": name, "program": program, "expect": flat(*expected), "tol": tol, "atol": 1e-12,
                  "group": "loss-family"})


def error(name, program):
    CASES.append({"id": name, "program": program, "expect": "error", "tol": 0, "atol": 0, "group": "loss-family"})


rng = np.random.default_rng(14)
T = lambda a: torch.tensor(np.asarray(a, dtype=np.float64))
G = lambda a: torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)

# ---------------------------------------------------------------- PyTorch
y = np.array([1, 0, 1, 0, 1, 0, 0.3])
p = np.array([0, 1, 1, 0, 0.3, 0.6, 0.45])
w = np.array([1, 2, 0.5, 1, 3, 1, 2])
for red in ["mean", "sum", "none"]:
    v = F.binary_cross_entropy(T(p), T(y), weight=T(w), reduction=red)
    case(f"torch-BCELoss-clamp-{red}", f'print(bce({lit(y)}, {lit(p)}, weight={lit(w)}, reduction="{red}", convention="torch"))\n',
         v.detach().numpy())
pt = G([0.2, 0.7, 0.9, 0.4])
F.binary_cross_entropy(pt, T([1, 0, 1, 0.5])).backward()
case("torch-BCELoss-grad", 'p = [0.2, 0.7, 0.9, 0.4]\nprint(grad(bce([1, 0, 1, 0.5], p, convention="torch"), p))\n', pt.grad)

z = rng.normal(size=(3, 4)) * 3
yb = (rng.random((3, 4)) > 0.5).astype(float)
pw = np.array([1.0, 2.0, 0.5, 3.0])
wb = rng.random((3, 4)) + 0.5
zt = G(z)
v = F.binary_cross_entropy_with_logits(zt, T(yb), weight=T(wb), pos_weight=T(pw))
v.backward()
case("torch-BCEWithLogitsLoss-pos_weight", f"z = {lit(z)}\ny = {lit(yb)}\nprint(bce_logits(y, z, pos_weight={lit(pw)}, weight={lit(wb)}))\n"
     f"print(grad(bce_logits(y, z, pos_weight={lit(pw)}, weight={lit(wb)}), z))\n", v.detach(), zt.grad)
ys = rng.random((3, 4)) * 3 - 1  # targets outside [0, 1]: PyTorch computes the formula
v = F.binary_cross_entropy_with_logits(T(z), T(ys), reduction="none")
case("torch-BCEWithLogitsLoss-unbounded-targets", f"print(bce_logits({lit(ys)}, {lit(z)}, reduction=\"none\", strict=false))\n", v.detach())
error("torch-BCEWithLogitsLoss-unbounded-targets-strict", f"print(bce_logits({lit(ys)}, {lit(z)}))\n")

x = rng.normal(size=(5, 4)) * 2
t = np.array([0, 3, 1, 1, 2])
cw = np.array([0.5, 2.0, 1.0, 3.0])
for red in ["mean", "sum", "none"]:
    for ls in [0.0, 0.15]:
        xt = G(x)
        v = F.cross_entropy(xt, torch.tensor(t), weight=T(cw), reduction=red, label_smoothing=ls)
        v.sum().backward()
        case(f"torch-CrossEntropyLoss-indices-weight-{red}-ls{ls}",
             f"x = {lit(x)}\nprint(cce_logits({lit(t)}, x, weight={lit(cw)}, reduction=\"{red}\", label_smoothing={ls}))\n"
             f"print(grad(sum(cce_logits({lit(t)}, x, weight={lit(cw)}, reduction=\"{red}\", label_smoothing={ls})), x))\n",
             v.detach(), xt.grad)
ti = np.array([0, -100, 1, 3, -100])
for ls in [0.0, 0.2]:
    xt = G(x)
    v = F.cross_entropy(xt, torch.tensor(ti), weight=T(cw), ignore_index=-100, label_smoothing=ls)
    v.backward()
    case(f"torch-CrossEntropyLoss-ignore_index-ls{ls}",
         f"x = {lit(x)}\nprint(cce_logits({lit(ti)}, x, weight={lit(cw)}, ignore_index=-100, label_smoothing={ls}))\n"
         f"print(grad(cce_logits({lit(ti)}, x, weight={lit(cw)}, ignore_index=-100, label_smoothing={ls}), x))\n",
         v.detach(), xt.grad)
v = F.cross_entropy(T(x[:2]), torch.tensor([-100, -100]), ignore_index=-100)
assert torch.isnan(v)
case("torch-CrossEntropyLoss-all-ignored-is-nan", f"l = cce_logits([-100, -100], {lit(x[:2])}, ignore_index=-100)\nprint(l != l)\n", 1.0)
probs = rng.dirichlet(np.ones(4), size=5)
for ls in [0.0, 0.1]:
    v = F.cross_entropy(T(x), T(probs), weight=T(cw), label_smoothing=ls)
    case(f"torch-CrossEntropyLoss-probabilities-weight-ls{ls}",
         f"print(cce_logits({lit(probs)}, {lit(x)}, weight={lit(cw)}, label_smoothing={ls}, convention=\"torch\"))\n", v.detach())
x3 = rng.normal(size=(2, 3, 4, 2))
t3 = rng.integers(0, 3, size=(2, 4, 2))
x3t = G(x3)
v = F.cross_entropy(x3t, torch.tensor(t3), weight=T([1.0, 2.0, 0.5]))
v.backward()
case("torch-CrossEntropyLoss-4d-axis1", f"x = {lit(x3)}\nprint(cce_logits({lit(t3)}, x, axis=1, weight=[1, 2, 0.5]))\n"
     f"print(grad(cce_logits({lit(t3)}, x, axis=1, weight=[1, 2, 0.5]), x))\n", v.detach(), x3t.grad)
v = F.cross_entropy(T(x3), torch.tensor(t3), reduction="none")
case("torch-CrossEntropyLoss-4d-none", f"print(cce_logits({lit(t3)}, {lit(x3)}, axis=1, reduction=\"none\"))\n", v.detach())
zm = np.array([[1.0, -np.inf, 2.0], [0.5, 0.1, -np.inf]])
ym = np.array([[0.3, 0, 0.7], [1.0, 0, 0]])
# optax's softmax_cross_entropy gives nan here (0·-inf); its safe_ form, and xe, take 0·log 0 = 0
v = optax.losses.safe_softmax_cross_entropy(jnp.array(zm), jnp.array(ym))
case("optax-safe_softmax_cross_entropy-masked-class", f"print(cce_logits({lit(ym)}, {lit(zm)}, reduction=\"none\"))\n", np.asarray(v))

lp = F.log_softmax(torch.tensor(x), dim=1).numpy()
for red in ["mean", "sum", "none"]:
    xt = G(lp)
    v = F.nll_loss(xt, torch.tensor(ti), weight=T(cw), ignore_index=-100, reduction=red)
    v.sum().backward()
    case(f"torch-NLLLoss-{red}", f"x = {lit(lp)}\nprint(nll({lit(ti)}, x, weight={lit(cw)}, ignore_index=-100, reduction=\"{red}\"))\n"
         f"print(grad(sum(nll({lit(ti)}, x, weight={lit(cw)}, ignore_index=-100, reduction=\"{red}\")), x))\n", v.detach(), xt.grad)
v = F.nll_loss(torch.tensor(x3), torch.tensor(t3))
case("torch-NLLLoss-4d", f"print(nll({lit(t3)}, {lit(x3)}, axis=1))\n", v)

q = rng.dirichlet(np.ones(4), size=3)
pk = rng.dirichlet(np.ones(4), size=3)
pk[0, 1] = 0
pk[0] /= pk[0].sum()
for red in ["none", "sum", "mean", "batchmean"]:
    for lt in [False, True]:
        target = np.log(q[::-1]) if lt else pk  # (log 0 = -inf targets: PyTorch gives nan, xe 0·log 0 = 0)
        xt = G(np.log(q))
        v = F.kl_div(xt, torch.tensor(target), reduction=red, log_target=lt)
        v.sum().backward()
        case(f"torch-KLDivLoss-{red}-log_target{int(lt)}",
             f"lq = {lit(np.log(q))}\nprint(kl_div({lit(target)}, lq, log_input=true, log_target={str(lt).lower()}, reduction=\"{red}\"))\n"
             f"print(grad(sum(kl_div({lit(target)}, lq, log_input=true, log_target={str(lt).lower()}, reduction=\"{red}\")), lq))\n",
             v.detach(), xt.grad)


# torchvision.ops.sigmoid_focal_loss, as written in torchvision
def tv_focal(inputs, targets, alpha=0.25, gamma=2.0):
    p = torch.sigmoid(inputs)
    ce = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce * ((1 - p_t) ** gamma)
    if alpha >= 0:
        loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss
    return loss


zt = G(z)
v = tv_focal(zt, torch.tensor(yb)).mean()
v.backward()
case("torchvision-sigmoid_focal_loss", f"z = {lit(z)}\nprint(focal_logits({lit(yb)}, z, alpha=0.25, gamma=2))\n"
     f"print(grad(focal_logits({lit(yb)}, z, alpha=0.25, gamma=2), z))\n", v.detach(), zt.grad)

# ---------------------------------------------------------------- optax
zz = rng.normal(size=(4, 3)) * 4
yy = rng.random((4, 3))
case("optax-sigmoid_binary_cross_entropy", f"print(bce_logits({lit(yy)}, {lit(zz)}, convention=\"optax\"))\n",
     np.asarray(optax.losses.sigmoid_binary_cross_entropy(zz, yy)))
for alpha in [None, 0.3]:
    for gamma in [0.0, 1.5, 2.0]:
        a = "" if alpha is None else f", alpha={alpha}"
        case(f"optax-sigmoid_focal_loss-alpha{alpha}-gamma{gamma}",
             f"print(focal_logits({lit(yy)}, {lit(zz)}{a}, gamma={gamma}, reduction=\"none\"))\n",
             np.asarray(optax.losses.sigmoid_focal_loss(zz, yy, alpha=alpha, gamma=gamma)))
g = jax.grad(lambda z: optax.losses.sigmoid_focal_loss(z, yy, gamma=2.0).sum())(zz)
case("optax-sigmoid_focal_loss-grad", f"z = {lit(zz)}\nprint(grad(focal_logits({lit(yy)}, z, reduction=\"sum\"), z))\n", np.asarray(g))
lab = np.array([2, 0, 1, 1])
case("optax-softmax_cross_entropy_with_integer_labels", f"print(cce_logits({lit(lab)}, {lit(zz)}, convention=\"optax\"))\n",
     np.asarray(optax.losses.softmax_cross_entropy_with_integer_labels(zz, lab)))
pq = rng.dirichlet(np.ones(3), size=4)
pq[1, 2] = 0
pq[1] /= pq[1].sum()
lq = np.asarray(jax.nn.log_softmax(zz))
case("optax-kl_divergence", f"print(kl_div({lit(pq)}, {lit(lq)}, log_input=true, convention=\"optax\"))\n",
     np.asarray(optax.losses.kl_divergence(lq, pq)))
case("optax-kl_divergence_with_log_targets", f"print(kl_div({lit(np.log(pq + 0.01))}, {lit(lq)}, log_input=true, log_target=true))\n",
     np.asarray(optax.losses.kl_divergence_with_log_targets(lq, np.log(pq + 0.01))))

# ---------------------------------------------------------------- Keras 3
K = keras.losses
yk = np.array([[0, 1, 1, 0], [1, 0, 0.4, 1], [0, 0, 1, 1]], dtype=float)
pk2 = np.array([[0.1, 0.9, 1.0, 0.0], [0.6, 0.2, 0.5, 0.99], [0.3, 0.05, 0.7, 0.8]])
sw = np.array([1.0, 2.0, 0.5])
for red in ["sum_over_batch_size", "sum", None]:
    xr = {"sum_over_batch_size": "mean", "sum": "sum", None: "none"}[red]
    for ls in [0.0, 0.2]:
        v = K.BinaryCrossentropy(dtype="float64", label_smoothing=ls, reduction=red)(yk, pk2, sample_weight=sw)
        case(f"keras-BinaryCrossentropy-{xr}-ls{ls}",
             f"print(bce({lit(yk)}, {lit(pk2)}, label_smoothing={ls}, weight={lit(sw)}, reduction=\"{xr}\", convention=\"keras\"))\n", np.asarray(v))
        v = K.BinaryCrossentropy(dtype="float64", from_logits=True, label_smoothing=ls, reduction=red)(yk, pk2 * 8 - 4)
        case(f"keras-BinaryCrossentropy-logits-{xr}-ls{ls}",
             f"print(bce_logits({lit(yk)}, {lit(pk2 * 8 - 4)}, label_smoothing={ls}, reduction=\"{xr}\", convention=\"keras\"))\n", np.asarray(v))
for bal in [False, True]:
    for logits in [False, True]:
        pred = pk2 * 8 - 4 if logits else pk2
        v = K.BinaryFocalCrossentropy(dtype="float64", apply_class_balancing=bal, alpha=0.3, gamma=1.5, from_logits=logits, label_smoothing=0.1)(yk, pred)
        name = "focal_logits" if logits else "focal"
        alpha = ", alpha=0.3" if bal else ""
        case(f"keras-BinaryFocalCrossentropy-balancing{int(bal)}-logits{int(logits)}",
             f"print({name}({lit(yk)}, {lit(pred)}, gamma=1.5{alpha}, label_smoothing=0.1, convention=\"keras\"))\n", np.asarray(v))
yc = np.array([[0, 1, 0], [0, 0, 1], [1, 0, 0], [0.2, 0.5, 0.3]])
pc = np.array([[0.05, 0.95, 0], [0.1, 0.8, 0.1], [0.3, 0.3, 0.2], [0.2, 0.2, 0.2]])  # rows not summing to 1
for ls in [0.0, 0.1]:
    v = K.CategoricalCrossentropy(dtype="float64", label_smoothing=ls)(yc, pc)
    case(f"keras-CategoricalCrossentropy-ls{ls}", f"print(cce({lit(yc)}, {lit(pc)}, label_smoothing={ls}, convention=\"keras\"))\n", np.asarray(v))
    v = K.CategoricalCrossentropy(dtype="float64", from_logits=True, label_smoothing=ls, reduction=None)(yc, pc * 6)
    case(f"keras-CategoricalCrossentropy-logits-ls{ls}",
         f"print(cce_logits({lit(yc)}, {lit(pc * 6)}, label_smoothing={ls}, convention=\"keras\", reduction=\"none\"))\n", np.asarray(v))
v = K.CategoricalCrossentropy(dtype="float64", axis=0, reduction=None)(yc.T, pc.T)
case("keras-CategoricalCrossentropy-axis0", f"print(cce({lit(yc.T)}, {lit(pc.T)}, axis=0, convention=\"keras\", reduction=\"none\"))\n", np.asarray(v))
v = K.SparseCategoricalCrossentropy(dtype="float64")(np.array([1, 2, 0, 1]), pc)
case("keras-SparseCategoricalCrossentropy", f"print(cce([1, 2, 0, 1], {lit(pc)}, convention=\"keras\"))\n", np.asarray(v))
for gamma in [0.0, 2.0]:
    for logits in [False, True]:
        pred = pc * 6 if logits else pc
        v = K.CategoricalFocalCrossentropy(dtype="float64", alpha=0.25, gamma=gamma, from_logits=logits, reduction=None)(yc, pred)
        name = "cce_focal_logits" if logits else "cce_focal"
        case(f"keras-CategoricalFocalCrossentropy-gamma{gamma}-logits{int(logits)}",
             f"print({name}({lit(yc)}, {lit(pred)}, alpha=0.25, gamma={gamma}, convention=\"keras\", reduction=\"none\"))\n", np.asarray(v))
v = K.KLDivergence(dtype="float64")(pq, np.exp(lq))
case("keras-KLDivergence", f"print(kl_div({lit(pq)}, {lit(np.exp(lq))}, reduction=\"batchmean\", convention=\"keras\"))\n", np.asarray(v))

# ---------------------------------------------------------------- tf.keras (Keras 2)
if tf_keras is not None:
    TK = tf_keras.losses
    for ls in [0.0, 0.2]:
        v = TK.BinaryCrossentropy(label_smoothing=ls)(yk, pk2, sample_weight=sw)
        case(f"tf_keras-BinaryCrossentropy-ls{ls}",
             f"print(bce({lit(yk)}, {lit(pk2)}, label_smoothing={ls}, weight={lit(sw)}, convention=\"tf_keras\"))\n", v.numpy())
    v = TK.BinaryCrossentropy(from_logits=True, reduction="none")(yk, pk2 * 8 - 4)
    case("tf_keras-BinaryCrossentropy-logits-none", f"print(bce_logits({lit(yk)}, {lit(pk2 * 8 - 4)}, reduction=\"none\", convention=\"tf_keras\"))\n", v.numpy())
    for logits in [False, True]:
        pred = pk2 * 8 - 4 if logits else pk2
        v = TK.BinaryFocalCrossentropy(apply_class_balancing=True, alpha=0.3, gamma=1.5, from_logits=logits, label_smoothing=0.1)(yk, pred)
        name = "focal_logits" if logits else "focal"
        case(f"tf_keras-BinaryFocalCrossentropy-logits{int(logits)}",
             f"print({name}({lit(yk)}, {lit(pred)}, gamma=1.5, alpha=0.3, label_smoothing=0.1, convention=\"tf_keras\"))\n", v.numpy())
        v = TK.CategoricalFocalCrossentropy(alpha=0.25, gamma=2.0, from_logits=logits, reduction="none")(yc, pc * 6 if logits else pc)
        name = "cce_focal_logits" if logits else "cce_focal"
        case(f"tf_keras-CategoricalFocalCrossentropy-logits{int(logits)}",
             f"print({name}({lit(yc)}, {lit(pc * 6 if logits else pc)}, alpha=0.25, convention=\"tf_keras\", reduction=\"none\"))\n", v.numpy())
    v = TK.SparseCategoricalCrossentropy(from_logits=True)(np.array([1, 2, 0, 1]), pc * 6)
    case("tf_keras-SparseCategoricalCrossentropy-logits", f"print(cce_logits([1, 2, 0, 1], {lit(pc * 6)}, convention=\"tf_keras\"))\n", v.numpy())
    v = TK.KLDivergence()(pq, np.exp(lq))
    case("tf_keras-KLDivergence", f"print(kl_div({lit(pq)}, {lit(np.exp(lq))}, reduction=\"batchmean\", convention=\"tf_keras\"))\n", v.numpy())
    v = TK.CategoricalCrossentropy()(yc, pc)
    case("tf_keras-CategoricalCrossentropy", f"print(cce({lit(yc)}, {lit(pc)}, convention=\"tf_keras\"))\n", v.numpy())
    v = TK.SparseCategoricalCrossentropy(reduction="none")(np.array([1, 2, 0, 1]), pc)
    case("tf_keras-SparseCategoricalCrossentropy", f"print(cce([1, 2, 0, 1], {lit(pc)}, convention=\"tf_keras\", reduction=\"none\"))\n", v.numpy())

# ---------------------------------------------------------------- scikit-learn
yl = np.array([1, 0, 1, 1, 0])
pl = np.array([1.0, 0.0, 0.0, 0.7, 0.4])
swl = np.array([1.0, 2.0, 3.0, 0.5, 1.0])
case("sklearn-log_loss-binary", f"print(bce({lit(yl)}, {lit(pl)}, convention=\"sklearn\"))\n", log_loss(yl, pl, labels=[0, 1]))
case("sklearn-log_loss-binary-sample_weight", f"print(bce({lit(yl)}, {lit(pl)}, weight={lit(swl)}, convention=\"sklearn\"))\n",
     log_loss(yl, pl, sample_weight=swl, labels=[0, 1]))
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    case("sklearn-log_loss-multiclass-unnormalised", f"print(cce([1, 2, 0, 1], {lit(pc)}, convention=\"sklearn\"))\n",
         log_loss([1, 2, 0, 1], pc, labels=[0, 1, 2]))

# ---------------------------------------------------------------- the shape rule and strictness
error("shape-rule-bce-n-vs-n1", "print(bce([1, 0, 1], [[0.9], [0.2], [0.6]]))\n")
error("shape-rule-bce_logits-rows", "print(bce_logits([1, 0], [[0.5, 0.2], [1, 2]]))\n")
error("strict-bce-target-outside", "print(bce([1.5, 0], [0.9, 0.2]))\n")
case("scalar-target-broadcasts", "print(bce(1, [0.9, 0.8]))\n", F.binary_cross_entropy(torch.tensor([0.9, 0.8]), torch.tensor([1.0, 1.0])))

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "XECLITests", "Fixtures", "conformance", "loss_family.json")
with open(out, "w") as f:
    json.dump(CASES, f, indent=1, allow_nan=False)
    f.write("\n")
print(f"{len(CASES)} cases written to {os.path.relpath(out)}", file=sys.stderr)
