#!/usr/bin/env python3
"""Random xe programs checked against NumPy and JAX (float64), first order, away from kinks.

Each program is built twice from one random expression tree: as xe source and as a JAX
function evaluated eagerly. It prints the expression's value, its shape and the gradient of a
weighted sum of it with respect to a variable, so values, shapes and gradients are all compared.
The trees cover what xe promises to do "like NumPy": the softmax family (huge logits included),
advanced indexing with position arrays and boolean masks (also in assignment), `@` for any rank,
the logit losses per sample on rank-3 predictions, with elementwise arithmetic around them.

    numpy_differential.py fixtures OUT.json [N] [SEED]   write N cases (the committed fixture)
    numpy_differential.py check XE [N] [SEED]            run N programs through XE and report

Needs numpy and jax (a venv: pip install numpy jax). xe's tests only read the fixture.
"""
import json
import math
import random
import re
import subprocess
import sys

import numpy as np
import jax
import jax.numpy as jnp

jax.config.update("jax_enable_x64", True)
jax.config.update("jax_platforms", "cpu")

RTOL, ATOL = 1e-12, 1e-13


def lit(x):
    """An xe literal for a number or nested list of numbers / booleans."""
    if isinstance(x, (bool, np.bool_)):
        return "true" if x else "false"
    if isinstance(x, (list, tuple)):
        return "[" + ", ".join(lit(v) for v in x) + "]"
    if isinstance(x, np.ndarray):
        return lit(x.tolist())
    return repr(float(x)) if not float(x).is_integer() or abs(x) >= 1e16 else str(int(x))


class Node:
    """An expression: its xe text and a function of the variable giving the JAX value."""

    def __init__(self, text, fn, value):
        self.text, self.fn, self.value = text, fn, np.asarray(value)

    @property
    def shape(self):
        return self.value.shape


class Builder:
    def __init__(self, rng):
        self.r = rng

    def array(self, shape, lo=-2.0, hi=2.0, digits=3):
        return np.round(self.r.uniform(lo, hi, size=shape), digits)

    def shape(self, rank_lo=1, rank_hi=3, dim_hi=4):
        return tuple(int(self.r.integers(1, dim_hi + 1)) for _ in range(int(self.r.integers(rank_lo, rank_hi + 1))))

    def apply(self, node, text, f):
        return Node(text, lambda x, fn=node.fn: f(fn(x)), f(jnp.asarray(node.value)))

    def elementwise(self, node):
        k = int(self.r.integers(0, 6))
        if k == 0:
            return self.apply(node, f"exp({node.text} / 4)", lambda v: jnp.exp(v / 4))
        if k == 1:
            return self.apply(node, f"sigmoid({node.text})", jax.nn.sigmoid)
        if k == 2:
            return self.apply(node, f"log1p({node.text} ^ 2)", lambda v: jnp.log1p(v ** 2))
        if k == 3:
            return self.apply(node, f"sqrt(1 + {node.text} ^ 2)", lambda v: jnp.sqrt(1 + v ** 2))
        if k == 4:
            c = self.array(node.shape[-1:] if node.shape else ())
            return self.apply(node, f"({node.text} * {lit(c)} - 0.5)", lambda v: v * c - 0.5)
        c = float(np.round(self.r.uniform(0.5, 2), 2))
        return self.apply(node, f"({node.text} / (1 + {lit(c)} * {node.text} ^ 2))", lambda v: v / (1 + c * v ** 2))

    def softmax_family(self, node, huge=False):
        if not node.shape:
            return node
        axis = int(self.r.integers(-len(node.shape), len(node.shape)))
        if huge:
            off = float(self.r.choice([1e3, 1e6, 1e9, 1e12]))
            node = self.apply(node, f"({node.text} + {lit(off)})", lambda v: v + off)
        k = int(self.r.integers(0, 3))
        if k == 0:
            return self.apply(node, f"log_softmax({node.text}, axis={axis})", lambda v: jax.nn.log_softmax(v, axis=axis))
        if k == 1:
            return self.apply(node, f"softmax({node.text}, axis={axis})", lambda v: jax.nn.softmax(v, axis=axis))
        return self.apply(node, f"logsumexp({node.text}, axis={axis})", lambda v: jax.scipy.special.logsumexp(v, axis=axis))

    def index(self, node):
        """A random NumPy index on node: ints, slices, position arrays and masks."""
        shape = node.shape
        if not shape:
            return None
        parts, texts, axis = [], [], 0
        while axis < len(shape) and (axis == 0 or self.r.random() < 0.8):
            n = shape[axis]
            k = int(self.r.integers(0, 4))
            if k == 0:
                i = int(self.r.integers(-n, n))
                parts.append(i)
                texts.append(str(i))
                axis += 1
            elif k == 1:
                a = int(self.r.integers(-n, n))
                b = int(self.r.integers(-n, n + 1))
                s = int(self.r.choice([1, 1, 2, -1]))
                parts.append(slice(a, b, s))
                texts.append(f"{a}:{b}" + ("" if s == 1 else f":{s}"))
                axis += 1
            elif k == 2:
                ishape = tuple(int(self.r.integers(1, 3)) for _ in range(int(self.r.integers(1, 3))))
                arr = self.r.integers(-n, n, size=ishape)
                parts.append(arr)
                texts.append(lit(arr))
                axis += 1
            else:
                width = 1 if axis + 1 >= len(shape) or self.r.random() < 0.6 else 2
                mshape = shape[axis:axis + width]
                mask = self.r.random(mshape) < 0.6
                parts.append(mask)
                texts.append(lit(mask))
                axis += width
        if axis < len(shape) and self.r.random() < 0.3:
            # `...` for the axes left, then maybe one more index on the last axis.
            parts.append(Ellipsis)
            texts.append("...")
            if self.r.random() < 0.5:
                i = int(self.r.integers(-shape[-1], shape[-1]))
                parts.append(i)
                texts.append(str(i))
        key = tuple(parts)
        try:
            value = np.asarray(node.value)[key]
        except IndexError:
            return None
        if value.size == 0:
            return None
        # JAX takes masks only as concrete arrays: turn them into positions (nonzero), as NumPy does.
        jkey = []
        for p in parts:
            if isinstance(p, np.ndarray) and p.dtype == bool:
                jkey.extend(np.nonzero(p))
            else:
                jkey.append(p)
        jkey = tuple(jkey)
        return Node(f"{node.text}[{', '.join(texts)}]", lambda x, fn=node.fn: fn(x)[jkey], value), key, jkey

    def matmul(self, node):
        shape = node.shape
        if not shape:
            return None
        k = shape[-1]
        kind = int(self.r.integers(0, 4))
        if kind == 0:
            other = self.array((k,))
        elif kind == 1:
            other = self.array((k, int(self.r.integers(1, 4))))
        else:
            lead = shape[:-2] if len(shape) >= 2 else ()
            lead = tuple(1 if self.r.random() < 0.3 else d for d in lead)
            if kind == 3:
                lead = (int(self.r.integers(1, 3)),) + lead
            other = self.array(lead + (k, int(self.r.integers(1, 4))))
        if self.r.random() < 0.5:
            return Node(f"({node.text} @ {lit(other)})", lambda x, fn=node.fn: jnp.matmul(fn(x), other), np.matmul(node.value, other))
        if len(shape) == 1:
            left = self.array((int(self.r.integers(1, 4)), shape[0]))
            return Node(f"({lit(left)} @ {node.text})", lambda x, fn=node.fn: jnp.matmul(left, fn(x)), np.matmul(left, node.value))
        left = self.array((int(self.r.integers(1, 4)), shape[-2]))
        return Node(f"({lit(left)} @ {node.text})", lambda x, fn=node.fn: jnp.matmul(left, fn(x)), np.matmul(left, node.value))

    def loss(self, node):
        """A per-sample logit loss on node (rank ≥ 1 for bce, classes last for cce)."""
        shape = node.shape
        if not shape:
            return None
        reduction = str(self.r.choice(["mean", "sum", "none"]))
        if self.r.random() < 0.5:
            y = (self.r.random(shape) < 0.5).astype(float)
            f = lambda v: jnp.maximum(v, 0) - v * y + jnp.log1p(jnp.exp(-jnp.abs(v)))
            text = f"bce_logits({lit(y)}, {node.text}, reduction=\"{reduction}\")"
        else:
            C = shape[-1]
            kind = int(self.r.integers(0 if len(shape) >= 2 else 1, 3))
            if kind == 0:
                labels = self.r.integers(0, C, size=shape[:-1])
                f = lambda v: -jnp.take_along_axis(jax.nn.log_softmax(v, axis=-1), labels[..., None], axis=-1)[..., 0]
                text = f"cce_logits({lit(labels)}, {node.text}, reduction=\"{reduction}\")"
            else:
                if kind == 1:
                    y = np.eye(C)[self.r.integers(0, C, size=shape[:-1])]
                else:
                    y = self.r.random(shape)
                    y = np.round(y / y.sum(axis=-1, keepdims=True), 3)
                f = lambda v: -jnp.sum(y * jax.nn.log_softmax(v, axis=-1), axis=-1)
                text = f"cce_logits({lit(y)}, {node.text}, reduction=\"{reduction}\")"
        g = {"mean": lambda v: jnp.mean(f(v)), "sum": lambda v: jnp.sum(f(v)), "none": f}[reduction]
        return self.apply(node, text, g)


def make_case(rng, n):
    b = Builder(rng)
    shape = b.shape(1, 3)
    X = b.array(shape)
    node = Node("X", lambda x: x, X)
    assignment = None
    steps = int(rng.integers(1, 4))
    for _ in range(steps):
        k = int(rng.integers(0, 6))
        new = None
        if k == 0:
            new = b.elementwise(node)
        elif k == 1:
            new = b.softmax_family(node, huge=rng.random() < 0.4)
        elif k == 2:
            got = b.index(node)
            new = got[0] if got else None
        elif k == 3:
            new = b.matmul(node)
        elif k == 4:
            new = b.loss(node)
        elif k == 5 and node.text == "X" and assignment is None:
            got = b.index(node)
            if got:
                sel, key, jkey = got
                # Positions written twice keep the last value in NumPy; JAX leaves that open.
                counts = np.zeros(X.shape, int)
                np.add.at(counts, key, 1)
                if counts.max() == 1:
                    v = b.array(sel.shape if rng.random() < 0.7 else ())
                    Y = np.array(X)
                    Y[key] = v
                    assignment = (sel.text[2:-1], v)
                    node = Node("Y", lambda x, jkey=jkey, v=v: x.at[jkey].set(v), Y)
            continue
        if new is not None and new.value.size > 0 and np.all(np.isfinite(new.value)):
            node = new
    if node.text in ("X", "Y") and assignment is None:
        node = b.elementwise(node)
    W = b.array(node.shape, 0.5, 1.5, 2)
    value = np.asarray(node.value, dtype=float)
    grad = np.asarray(jax.grad(lambda x: jnp.sum(node.fn(x) * W))(jnp.asarray(X)))
    lines = [f"X = {lit(X)}"]
    body = node.text
    if assignment:
        index, v = assignment
        lines.append(f"Y = X; Y[{index}] = {lit(v)}")
        weighted = f"{{Y = X; Y[{index}] = {lit(v)}; {body}}} * {lit(W)}"
    else:
        weighted = f"({body}) * {lit(W)}"
    lines += [f"E = {body}", "print(E)", "print(shape(E))", f"print(grad(sum({weighted}), X))"]
    program = "\n".join(lines) + "\n"
    expect = [float(v) for v in value.ravel()] + [float(d) for d in value.shape] + [float(v) for v in grad.ravel()]
    if not all(math.isfinite(v) for v in expect):
        return None
    return {"id": f"numpy-differential-{n}", "program": program, "expect": expect, "tol": RTOL, "atol": ATOL, "group": "numpy"}


def curated():
    """The issue's own examples, with values from JAX."""
    Z = jnp.array([[[1.0, 2.0]]])
    T = np.arange(24.0).reshape(2, 3, 4)
    X = np.array([[1.0, 2, 3], [4, 5, 6]])
    A, B = np.arange(24.0).reshape(2, 3, 4) / 8, np.arange(16.0).reshape(2, 4, 2) / 4
    rows = [
        ("log_softmax([1e9, 1e9 + 1])", jax.nn.log_softmax(jnp.array([1e9, 1e9 + 1]))),
        ("log_softmax([1e6, 1e6 + 1, 1e6 - 2])", jax.nn.log_softmax(jnp.array([1e6, 1e6 + 1, 1e6 - 2]))),
        ("cce_logits([0], [[1e9, 1e9 + 1]])", -jax.nn.log_softmax(jnp.array([1e9, 1e9 + 1]))[0]),
        ("cce_logits([[0.25, 0.75]], [[1e12, 1e12 - 1]])", -jnp.sum(jnp.array([0.25, 0.75]) * jax.nn.log_softmax(jnp.array([1e12, 1e12 - 1])))),
        ("{Z = [[[1, 2]]]; grad(sum(cce_logits([[0]], Z, reduction=\"none\")), Z)}",
         jax.grad(lambda z: jnp.sum(-jax.nn.log_softmax(z)[..., 0]))(Z)),
        ("X[[0, 1], [1, 0]]", X[[0, 1], [1, 0]]),
        ("T[0, :, [0, 1, 2]]", T[0, :, [0, 1, 2]]),
        ("shape(T[0, :, [0, 1, 2]])", np.array(T[0, :, [0, 1, 2]].shape, float)),
        ("X[X > 2]", X[X > 2]),
        ("X[[false, true], :]", X[[False, True], :]),
        ("A @ B", A @ B),
        ("{gA, gB = grad(sum((A @ B) ^ 2), A, B); (gA, gB)}",
         jnp.concatenate([g.ravel() for g in jax.grad(lambda a, b: jnp.sum((a @ b) ** 2), argnums=(0, 1))(A, B)])),
    ]
    prelude = f"T = reshape(range(24), [2, 3, 4])\nX = [[1, 2, 3], [4, 5, 6]]\nA = reshape(range(24), [2, 3, 4]) / 8\nB = reshape(range(16), [2, 4, 2]) / 4\n"
    return [{"id": f"numpy-issue-{i}", "program": prelude + f"print({text})\n", "expect": [float(v) for v in np.ravel(value)],
             "tol": RTOL, "atol": ATOL, "group": "numpy"} for i, (text, value) in enumerate(rows)]


def cases(count, seed):
    rng = np.random.default_rng(seed)
    out, n = [], 0
    while len(out) < count:
        c = make_case(rng, n)
        n += 1
        if c:
            out.append(c)
    return out


NUMBER = re.compile(r"-?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|inf|nan)")


def check(xe, count, seed):
    agree, problems = 0, []
    for c in cases(count, seed):
        r = subprocess.run([xe], input=c["program"], capture_output=True, text=True, timeout=60)
        got = [float(m) for m in NUMBER.findall(r.stdout)]
        ok = r.returncode == 0 and len(got) == len(c["expect"]) and all(
            abs(g - e) <= c["atol"] + c["tol"] * abs(e) for g, e in zip(got, c["expect"]))
        if ok:
            agree += 1
        else:
            worst = max((abs(g - e) / max(abs(e), 1e-300) for g, e in zip(got, c["expect"])), default=float("inf"))
            problems.append((c, r.stderr.strip()[:300], worst, len(got)))
    print(f"{agree} of {count} programs agree with NumPy/JAX (rtol {RTOL:g}, atol {ATOL:g})")
    for c, err, worst, n in problems[:20]:
        print("----", c["id"], f"worst rel {worst:.2e}, {n} numbers of {len(c['expect'])}")
        print(c["program"] + (err and "stderr: " + err))
    return agree == count


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "fixtures":
        n = int(sys.argv[3]) if len(sys.argv) > 3 else 150
        seed = int(sys.argv[4]) if len(sys.argv) > 4 else 19
        with open(sys.argv[2], "w") as f:
            json.dump(curated() + cases(n, seed), f, indent=1)
            f.write("\n")
    elif len(sys.argv) >= 3 and sys.argv[1] == "check":
        n = int(sys.argv[3]) if len(sys.argv) > 3 else 500
        seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
        sys.exit(0 if check(sys.argv[2], n, seed) else 1)
    else:
        print(__doc__)
        sys.exit(2)
