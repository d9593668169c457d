#!/usr/bin/env python3
"""Writes the .npy and .csv test fixtures with NumPy (run once; the files are committed).

Usage: python3 Scripts/make_npy_fixtures.py Tests/XECLITests/Fixtures/data

For every file it also writes NAME.expected: the values as float64 in C order, one per line
(repr, so exact), after the shape on the first line, for the tests to compare against.
"""
import io
import os
import struct
import sys

import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def save(name, array, **kwargs):
    path = os.path.join(out, name)
    np.save(path, array, allow_pickle=kwargs.get("allow_pickle", False))
    expected = np.asarray(array, dtype=np.float64)
    with open(path + ".expected", "w") as f:
        f.write(" ".join(str(d) for d in expected.shape) + "\n")
        for v in expected.ravel(order="C"):
            f.write(repr(float(v)) + "\n")


rng = np.random.default_rng(7)
m = rng.standard_normal((3, 4))
save("f8_le.npy", m.astype("<f8"))
save("f8_be.npy", m.astype(">f8"))
save("f4_le.npy", m.astype("<f4"))
save("f4_be.npy", m.astype(">f4"))
save("i8_le.npy", np.array([[-(2**40), 0, 7], [3, -1, 2**52]], dtype="<i8"))
save("i8_be.npy", np.array([-5, 6, 2**31], dtype=">i8"))
save("i4_le.npy", np.array([-(2**31), 2**31 - 1, 0, 12], dtype="<i4"))
save("i4_be.npy", np.array([[1, -2], [3, -4]], dtype=">i4"))
save("u1.npy", np.array([0, 1, 127, 255], dtype="u1"))
save("bool.npy", np.array([[True, False, True], [False, False, True]]))
save("scalar.npy", np.float64(3.25))
save("empty.npy", np.zeros((0, 3)))
save("fortran.npy", np.asfortranarray(np.arange(24, dtype=np.float64).reshape(2, 3, 4)))
save("special.npy", np.array([np.inf, -np.inf, -0.0, 5e-324, 1.7976931348623157e308]))
save("rank3.npy", rng.standard_normal((2, 3, 2)))
save("f2.npy", np.array([1.5], dtype=np.float16))

# Versions 2.0 and 3.0 (NumPy picks them only when needed; force them through the format module).
for version in [(2, 0), (3, 0)]:
    name = f"v{version[0]}.npy"
    with open(os.path.join(out, name), "wb") as f:
        np.lib.format.write_array(f, m, version=version)
    with open(os.path.join(out, name + ".expected"), "w") as f:
        f.write("3 4\n" + "".join(repr(float(v)) + "\n" for v in m.ravel()))

# Broken files: an object array (a pickle), a complex array, a truncated file, a bad magic,
# a header that lies about the shape, an unknown version, strings.
np.save(os.path.join(out, "object.npy"), np.array([1, "a", None], dtype=object), allow_pickle=True)
np.save(os.path.join(out, "complex.npy"), np.array([1 + 2j]))
np.save(os.path.join(out, "strings.npy"), np.array(["ab", "cd"]))
buf = io.BytesIO()
np.save(buf, m)
data = buf.getvalue()
with open(os.path.join(out, "truncated.npy"), "wb") as f:
    f.write(data[:-5])
with open(os.path.join(out, "badmagic.npy"), "wb") as f:
    f.write(b"\x93NUMPZ" + data[6:])
with open(os.path.join(out, "version9.npy"), "wb") as f:
    f.write(data[:6] + bytes([9, 0]) + data[8:])
with open(os.path.join(out, "header_cut.npy"), "wb") as f:
    f.write(data[:40])
with open(os.path.join(out, "badshape.npy"), "wb") as f:
    f.write(data.replace(b"(3, 4)", b"(3, x)"))
with open(os.path.join(out, "trailing.npy"), "wb") as f:
    f.write(data + b"\0" * 8)
# A header that names 'descr' twice (Python keeps the last; xe refuses rather than guess), and
# one of 70 000 bytes (NumPy refuses over 10 000; xe over 65 536).
with open(os.path.join(out, "twice.npy"), "wb") as f:
    header = b"{'descr': '<f8', 'descr': '<i4', 'fortran_order': False, 'shape': (1,), }"
    header += b" " * (63 - (10 + len(header)) % 64) + b"\n"
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + b"\0" * 8)
with open(os.path.join(out, "long_header.npy"), "wb") as f:
    header = b"{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }" + b" " * 70000
    header += b" " * (63 - (12 + len(header)) % 64) + b"\n"
    f.write(b"\x93NUMPY\x02\x00" + struct.pack("<I", len(header)) + header + b"\0" * 8)

# CSV: a matrix with a header row, a column vector, a row, and broken ones.
np.savetxt(os.path.join(out, "matrix.csv"), m, delimiter=",", header="a,b,c,d", comments="")
with open(os.path.join(out, "matrix.csv.expected"), "w") as f:
    f.write("3 4\n" + "".join(repr(float(v)) + "\n" for v in np.loadtxt(os.path.join(out, "matrix.csv"), delimiter=",", skiprows=1).ravel()))
np.savetxt(os.path.join(out, "column.csv"), np.array([0.5, 1e-300, -2.0]))
with open(os.path.join(out, "column.csv.expected"), "w") as f:
    f.write("3\n" + "".join(repr(float(v)) + "\n" for v in np.loadtxt(os.path.join(out, "column.csv"))))
# Windows line ends, quoted cells and a blank line; a spreadsheet's byte-order mark.
with open(os.path.join(out, "crlf_quoted.csv"), "w", newline="") as f:
    f.write('a,b\r\n"1","2"\r\n\r\n 3 , -inf \r\n')
with open(os.path.join(out, "crlf_quoted.csv.expected"), "w") as f:
    f.write("2 2\n1.0\n2.0\n3.0\n-inf\n")
with open(os.path.join(out, "bom.csv"), "w", encoding="utf-8-sig") as f:
    f.write("x,y\n1,2\n3,4\n")
with open(os.path.join(out, "bom.csv.expected"), "w") as f:
    f.write("2 2\n1.0\n2.0\n3.0\n4.0\n")
with open(os.path.join(out, "ragged.csv"), "w") as f:
    f.write("1,2,3\n4,5\n")
with open(os.path.join(out, "words.csv"), "w") as f:
    f.write("x,y\n1,2\n3,abc\n")
