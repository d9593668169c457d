#!/usr/bin/env python3
"""Writes the .npz, .pt and .safetensors test fixtures with NumPy, PyTorch and safetensors
(run once; the files are committed, the tests do not need Python), and hostile variants of each.

Usage: python3 Scripts/make_model_fixtures.py Tests/XECLITests/Fixtures/models

Beside the files it writes manifest.json:
  "arrays":  [{"file", "name", "shape", "values"}]  each array, its values as float64 repr strings
             (C order, exact), as the library itself reads it back;
  "files":   [{"file", "names"}]                     every array's name, in the file's order;
  "hostile": [{"file", "error"}]                      a broken file and a part of xe's message.
"""
import io
import json
import os
import pickle
import struct
import sys
import zipfile
import zlib

import numpy as np
import torch
from safetensors.numpy import save_file as save_numpy
from safetensors.torch import save_file as save_torch

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
manifest = {"arrays": [], "files": [], "hostile": []}


def path(name):
    return os.path.join(out, name)


def expect(file, name, array):
    a = np.asarray(array, dtype=np.float64)
    manifest["arrays"].append({"file": file, "name": name, "shape": list(a.shape),
                               "values": [repr(float(v)) for v in a.ravel(order="C")]})


def expect_names(file, names):
    manifest["files"].append({"file": file, "names": list(names)})


def hostile(file, data, error):
    with open(path(file), "wb") as f:
        f.write(data)
    manifest["hostile"].append({"file": file, "error": error})


rng = np.random.default_rng(18)

# ---- NumPy: every dtype, both byte orders, Fortran order, 0-d and empty, stored and deflated.
arrays = {
    "logits": rng.standard_normal((4, 3)),
    "labels": np.array([0, 2, 1, 1], dtype=np.int64),
    "f4": rng.standard_normal((2, 3, 2)).astype(np.float32),
    "f2": np.array([1.5, -0.0, 65504, 6e-8, np.inf, -np.inf, 0.1], dtype=np.float16),
    "f8_be": rng.standard_normal(5).astype(">f8"),
    "f2_be": np.array([0.333, -2], dtype=">f2"),
    "i4": np.array([-(2**31), 2**31 - 1], dtype=np.int32),
    "i2": np.array([-32768, 32767], dtype=np.int16),
    "i1": np.array([-128, 127], dtype=np.int8),
    "u1": np.array([0, 255], dtype=np.uint8),
    "u2": np.array([0, 65535], dtype=np.uint16),
    "u4": np.array([0, 2**32 - 1], dtype=np.uint32),
    "u8": np.array([0, 2**53], dtype=np.uint64),
    "mask": np.array([[True, False], [False, True]]),
    "fortran": np.asfortranarray(np.arange(12.0).reshape(3, 4)),
    "scalar": np.float64(2.5),
    "empty": np.zeros((0, 3)),
}
for kind, save in [("stored", np.savez), ("deflated", np.savez_compressed)]:
    file = f"numpy_{kind}.npz"
    save(path(file), **arrays)
    with np.load(path(file)) as z:
        for name in z.files:
            expect(file, name, z[name])
        expect_names(file, z.files)
np.savez(path("numpy_positional.npz"), np.arange(3.0), np.eye(2))
expect_names("numpy_positional.npz", ["arr_0", "arr_1"])
expect("numpy_positional.npz", "arr_1", np.eye(2))
np.save(path("f2_special.npy"), np.array([np.nan, 5.96e-8, -65504, 1 / 3], dtype=np.float16))
expect("f2_special.npy", None, np.load(path("f2_special.npy")))
np.save(path("f2_be.npy"), np.array([[1.25, -3]], dtype=">f2"))
expect("f2_be.npy", None, np.load(path("f2_be.npy")))

# ---- PyTorch: a tensor, dicts, lists, tuples, a state dict, a checkpoint, every dtype, views.
torch.manual_seed(18)
base = torch.randn(4, 6, dtype=torch.float64)
tensors = {
    "float64": base,
    "float32": torch.randn(3, 2),
    "float16": torch.tensor([1.5, -0.0, 65504, 6e-8, float("inf")], dtype=torch.float16),
    "bfloat16": torch.tensor([1.5, -3.140625, 1e38, 1e-38, float("-inf")], dtype=torch.bfloat16),
    "int64": torch.tensor([-(2**40), 7], dtype=torch.int64),
    "int32": torch.tensor([-(2**31), 5], dtype=torch.int32),
    "int16": torch.tensor([-32768, 32767], dtype=torch.int16),
    "int8": torch.tensor([-128, 127], dtype=torch.int8),
    "uint8": torch.tensor([0, 255], dtype=torch.uint8),
    "uint16": torch.tensor([0, 65535], dtype=torch.uint16),
    "uint32": torch.tensor([0, 2**32 - 1], dtype=torch.uint32),
    "uint64": torch.tensor([0, 2**53], dtype=torch.uint64),
    "bool": torch.tensor([True, False, True]),
    "transposed": base.t(),
    "offset": base[1:, 2:],
    "stepped": base[:, ::2],
    "expanded": torch.arange(3.0).expand(2, 3),
    "scalar": torch.tensor(4.5),
    "empty": torch.zeros(0, 3),
}


def expect_torch(file, obj, prefix=""):
    """Expected arrays of a torch object, named as xe names them (paths joined by dots)."""
    names = []

    def walk(o, name):
        if isinstance(o, torch.Tensor):
            expect(file, name, o.detach().to(torch.float64).numpy())
            names.append(name)
        elif isinstance(o, dict):
            for k, v in o.items():
                walk(v, f"{name}.{k}" if name else str(k))
        elif isinstance(o, (list, tuple)):
            for i, v in enumerate(o):
                walk(v, f"{name}.{i}" if name else str(i))
        elif isinstance(o, (bool, int, float)):
            expect(file, name, float(o))
            names.append(name)

    walk(obj, prefix)
    return names


def save_pt(file, obj, **kwargs):
    torch.save(obj, path(file), **kwargs)
    # torch's own weights-only reader does not take protocol 4's FRAME opcode; xe does.
    loaded = torch.load(path(file), weights_only="pickle_protocol" not in kwargs)
    names = expect_torch(file, loaded)
    if len(names) > 1:
        expect_names(file, names)


save_pt("torch_tensor.pt", torch.randn(2, 3))
save_pt("torch_dtypes.pt", tensors)
save_pt("torch_list.pt", [torch.randn(2), torch.arange(4)])
save_pt("torch_tuple.pt", (torch.randn(2, 2), torch.tensor([1, 0])))
model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
save_pt("torch_state_dict.pt", model.state_dict())
save_pt("pytorch_model.bin", model.state_dict())  # Hugging Face's name for a torch.save file
save_pt("torch_checkpoint.pt", {"model": model.state_dict(), "epoch": 3, "lr": 0.01, "tag": "run-1", "best": None})
save_pt("torch_parameter.pt", {"w": torch.nn.Parameter(torch.randn(2, 2))})
save_pt("torch_protocol4.pt", {"logits": torch.randn(3, 2), "labels": torch.tensor([1, 0, 1])}, pickle_protocol=4)
save_pt("logits.pth", torch.randn(5, 3, dtype=torch.float16))

# A big-endian file, as torch.save writes on such a machine: the byteorder record says "big"
# and every storage's elements are byte-swapped (rewritten here from a little-endian one).
big = {"a": torch.randn(2, 3), "b": torch.tensor([-2, 300], dtype=torch.int16), "c": torch.randn(3, dtype=torch.float64),
       "d": torch.tensor([1.5, -2.25], dtype=torch.bfloat16).t(), "e": torch.arange(6.0).reshape(2, 3).t()}
sizes = [4, 2, 8, 2, 4]
buf = io.BytesIO()
torch.save(big, buf)
src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
with zipfile.ZipFile(path("torch_bigendian.pt"), "w") as z:
    for info in src.infolist():
        data = src.read(info)
        if info.filename.endswith("/byteorder"):
            data = b"big"
        elif "/data/" in info.filename and not info.filename.endswith(".pkl"):
            size = sizes[int(info.filename.rsplit("/", 1)[1])]
            data = np.frombuffer(data, dtype=f"<u{size}").byteswap().tobytes()
        z.writestr(info.filename, data)
names = expect_torch("torch_bigendian.pt", big)
expect_names("torch_bigendian.pt", names)

# ---- safetensors: every dtype through torch (bfloat16 included) and through NumPy.
st = {k: v.contiguous() for k, v in tensors.items() if k not in ("scalar",)}
st["scalar"] = torch.tensor(4.5)
save_torch(st, path("torch.safetensors"), metadata={"format": "pt"})
from safetensors.torch import load_file as load_torch

loaded = load_torch(path("torch.safetensors"))
for k, v in loaded.items():
    expect("torch.safetensors", k, v.to(torch.float64).numpy())
with open(path("torch.safetensors"), "rb") as f:
    n = struct.unpack("<Q", f.read(8))[0]
    header = json.loads(f.read(n))
order = sorted((v["data_offsets"], k) for k, v in header.items() if k != "__metadata__")
expect_names("torch.safetensors", [k for _, k in order])
save_numpy({"logits": arrays["logits"], "labels": arrays["labels"], "h": arrays["f2"]}, path("numpy.safetensors"))
from safetensors.numpy import load_file as load_numpy

for k, v in load_numpy(path("numpy.safetensors")).items():
    expect("numpy.safetensors", k, v)

# ---- Hostile files.
good_npz = open(path("numpy_stored.npz"), "rb").read()
deflated_npz = open(path("numpy_deflated.npz"), "rb").read()
good_pt = open(path("torch_dtypes.pt"), "rb").read()
good_st = open(path("numpy.safetensors"), "rb").read()

hostile("cut.npz", good_npz[: len(good_npz) // 2], "no end of central directory record")
hostile("cut_end.npz", good_npz[:-10], "no end of central directory record")
hostile("empty.npz", b"", "is not a zip file")

# Every entry named twice.
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w") as z:
    for _ in range(2):
        with z.open("x.npy", "w") as f:
            np.save(f, np.arange(3.0))
import warnings
hostile("twice.npz", buf.getvalue(), "names 'x.npy' twice")


def rewrite_central(data, field_offset, value, size=4, which=0):
    """Changes a field of the `which`-th central directory record."""
    data = bytearray(data)
    at = -1
    for _ in range(which + 1):
        at = data.index(b"PK\x01\x02", at + 1)
    data[at + field_offset: at + field_offset + size] = value.to_bytes(size, "little")
    return bytes(data)


# A zip bomb's lie: the deflated entry declares fewer bytes than it inflates to (CRC kept).
hostile("bomb_size.npz", rewrite_central(deflated_npz, 24, 100), "inflates to more than the 100 bytes")
# A declared size over the limit: refused before anything is allocated.
hostile("bomb_huge.npz", rewrite_central(deflated_npz, 24, 0xFFFFFFF0), "more than the")
# A wrong local header offset, and one past the end.
hostile("offset.npz", rewrite_central(good_npz, 42, 7), "is not at offset 7")
hostile("offset_far.npz", rewrite_central(good_npz, 42, 0x7FFFFFF0), "is not at offset")
# A flipped data byte: the CRC says so.
data = bytearray(good_npz)
data[200] ^= 0xFF
hostile("crc.npz", bytes(data), "CRC-32")
# Corrupt deflate data.
data = bytearray(deflated_npz)
at = data.index(b"PK\x03\x04")
start = at + 30 + struct.unpack("<H", data[at + 26: at + 28])[0] + struct.unpack("<H", data[at + 28: at + 30])[0]
for i in range(start, start + 16):
    data[i] = 0xFF
hostile("inflate.npz", bytes(data), "not valid deflate data")
# Encrypted flag, an unknown method, an entry that is not .npy, a pickle inside.
hostile("encrypted.npz", rewrite_central(good_npz, 8, 1, 2), "is encrypted")
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_BZIP2) as z:
    z.writestr("x.npy", b"\x00" * 10)
hostile("bzip2.npz", buf.getvalue(), "method 12")
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w") as z:
    z.writestr("notes.txt", b"hello")
hostile("notes.npz", buf.getvalue(), "which is not an .npy array")
np.savez(path("object.npz"), a=np.array([1, None], dtype=object))
manifest["hostile"].append({"file": "object.npz", "error": "object array (a pickle)"})
# A central directory that declares more entries than it has room for.
data = bytearray(good_npz)
end = data.rindex(b"PK\x05\x06")
data[end + 8: end + 12] = (0xFFFE).to_bytes(2, "little") * 2
hostile("count.npz", bytes(data), "declares 65534 entries")

# PyTorch: a pickle that asks to run a command, one that builds an object, a legacy file,
# a truncated pickle, a storage that is missing, a view past its storage.


def with_pickle(pt, pkl):
    """The .pt archive with its data.pkl replaced."""
    src = zipfile.ZipFile(io.BytesIO(pt))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for info in src.infolist():
            z.writestr(info.filename, pkl if info.filename.endswith("/data.pkl") else src.read(info))
    return buf.getvalue()


class Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned > pwned.txt",))


pkl_of = lambda name: zipfile.ZipFile(io.BytesIO(good_pt)).read(
    [n for n in zipfile.ZipFile(io.BytesIO(good_pt)).namelist() if n.endswith("data.pkl")][0])
good_pkl = pkl_of("torch_dtypes.pt")
hostile("evil_system.pt", with_pickle(good_pt, pickle.dumps({"x": Evil()}, protocol=2)), "asks for 'posix.system'")
hostile("evil_eval.pt", with_pickle(good_pt, b"\x80\x02cbuiltins\neval\nX\x04\x00\x00\x001+1\x85R."), "asks for 'builtins.eval'")


class Thing:
    pass


hostile("evil_object.pt", with_pickle(good_pt, pickle.dumps(Thing(), protocol=2)), "asks for '__main__.Thing'")
hostile("evil_newobj.pt", with_pickle(good_pt, b"\x80\x02ccollections\nOrderedDict\n)\x81."), "NEWOBJ")
hostile("evil_inst.pt", with_pickle(good_pt, b"(ios\nsystem\nX\x02\x00\x00\x00ls\x85."), "INST")
hostile("pickle_cut.pt", with_pickle(good_pt, good_pkl[: len(good_pkl) // 2]), "the pickle ends before its STOP")
hostile("pickle_get.pt", with_pickle(good_pt, b"\x80\x02h\x07."), "never stored")
hostile("pickle_long.pt", with_pickle(good_pt, b"\x80\x02X\xff\xff\xff\x7f."), "the pickle ends before its STOP")
hostile("pickle_bigint.pt", with_pickle(good_pt, b"\x80\x02\x8a\x09" + b"\x01" * 9 + b"."), "integers of up to 64 bits")
# A tuple of a tuple of ... each shared twice (2^60 paths in 700 bytes), and a list inside itself.
shared = b"\x80\x02N\x85q\x000"
for i in range(1, 61):
    shared += b"h" + bytes([i - 1]) + b"h" + bytes([i - 1]) + b"\x86q" + bytes([i]) + b"0"
hostile("pickle_shared.pt", with_pickle(good_pt, shared + b"h" + bytes([60]) + b"."), "counting shared ones each time")
hostile("pickle_cycle.pt", with_pickle(good_pt, b"\x80\x02]q\x00h\x00a."), "nests containers more than 64 deep")
legacy = io.BytesIO()
torch.save(torch.ones(2), legacy, _use_new_zipfile_serialization=False)
hostile("legacy.pt", legacy.getvalue(), "legacy format")
complex_pt = io.BytesIO()
torch.save({"z": torch.tensor([1 + 2j])}, complex_pt)
hostile("complex.pt", complex_pt.getvalue(), "type torch.ComplexFloatStorage, which xe does not read")
float8_pt = io.BytesIO()
torch.save(torch.ones(2).to(torch.float8_e4m3fn), float8_pt)
hostile("float8.pt", float8_pt.getvalue(), "type torch.float8_e4m3fn, which xe does not read")
module_pt = io.BytesIO()
torch.save(torch.nn.Linear(2, 2), module_pt)
hostile("module.pt", module_pt.getvalue(), "asks for 'torch.nn.modules.linear.Linear'")
hostile("cut.pt", good_pt[: len(good_pt) - 100], "no end of central directory record")
# A storage record missing: drop data/0.
src = zipfile.ZipFile(io.BytesIO(good_pt))
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w") as z:
    for info in src.infolist():
        if not info.filename.endswith("/data/0"):
            z.writestr(info.filename, src.read(info))
hostile("no_storage.pt", buf.getvalue(), "which the file does not hold")
# A view that reaches past its storage: the size of 'float64' (4, 6) becomes (40, 6).
hostile("past_storage.pt", with_pickle(good_pt, good_pkl.replace(b"K\x04K\x06\x86", b"K(K\x06\x86", 1)), "reaches past its storage")

# safetensors: lies in the header.
n = struct.unpack("<Q", good_st[:8])[0]
hdr = json.loads(good_st[8: 8 + n])
body = good_st[8 + n:]


def st_file(h, data=body, pad=True):
    text = json.dumps(h).encode()
    if pad:
        text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + data


hostile("cut.safetensors", good_st[:-4], "is truncated")
hostile("header_long.safetensors", struct.pack("<Q", 2**40) + good_st[8:], "declares a header of")
hostile("header_past.safetensors", struct.pack("<Q", len(good_st)) + good_st[8:], "is truncated: its header says")
h = json.loads(json.dumps(hdr))
first = min((v["data_offsets"][0], k) for k, v in h.items() if k != "__metadata__")[1]
h[first]["data_offsets"][1] += 8
hostile("offsets.safetensors", st_file(h), "needs")
h = json.loads(json.dumps(hdr))
h[first]["data_offsets"] = [8, 8 + h[first]["data_offsets"][1] - h[first]["data_offsets"][0]]
hostile("overlap.safetensors", st_file(h), "overlap or leave a gap")
h = json.loads(json.dumps(hdr))
h[first]["dtype"] = "C64"
hostile("dtype.safetensors", st_file(h), "has dtype C64")
h = json.loads(json.dumps(hdr))
h[first]["shape"] = [2**40, 2**40]
hostile("shape.safetensors", st_file(h), "is too large")
hostile("trailing.safetensors", good_st + b"\0" * 8, "unexpected bytes after its data")
text = b'{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}'
hostile("twice.safetensors", struct.pack("<Q", len(text)) + text + b"\0" * 8, "given twice")
text = b'{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"__metadata__":' + b"[" * 100000
hostile("deep.safetensors", struct.pack("<Q", len(text)) + text, "malformed header: JSON nested more than 64 deep")
hostile("not_json.safetensors", struct.pack("<Q", 4) + b"abcd", "not a .safetensors file")

with open(path("manifest.json"), "w") as f:
    json.dump(manifest, f, indent=1)
print(f"{len(manifest['arrays'])} arrays, {len(manifest['files'])} files, {len(manifest['hostile'])} hostile files")
