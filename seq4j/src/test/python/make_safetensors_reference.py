# Regenerate with (from the repository root, any Python 3):
#   python3 src/test/python/make_safetensors_reference.py
#
# Writes two safetensors reference files under src/test/resources/fixtures/io/ for
# org.seq4j.io.ReferenceFixtureTest, using only the standard library (struct, json) and following the
# format specification of https://github.com/huggingface/safetensors and the layout of its reference
# (Rust) writer:
#   - 8-byte little-endian unsigned header length N, then N bytes of UTF-8 JSON, then the data buffer;
#   - compact JSON (separators ",", ":"), non-ASCII written as UTF-8, "__metadata__" first;
#   - tensors sorted by dtype alignment, largest first (I64, F64, F32, I32), then by name, stored
#     contiguously, little-endian, row-major;
#   - header padded with spaces so that 8 + N is a multiple of 8.
#
# reference.safetensors          the layout above; seq4j must re-write it byte for byte.
# reference_escaped.safetensors  the same tensors and metadata, but the header pretty-printed with
#                                indentation, every non-ASCII character as a \uXXXX escape (a surrogate
#                                pair for U+1F642) and the tensor entries in reverse order.
#
# The values follow simple formulas so the Java test can recompute them; they include the float
# special values and the integer limits.

import json
import math
import os
import struct

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures", "io")

DTYPES = {  # name: (struct code, element size, alignment rank: higher is written first)
    "I64": ("q", 8, 3),
    "F64": ("d", 8, 2),
    "F32": ("f", 4, 1),
    "I32": ("i", 4, 0),
}

F32_MAX = struct.unpack("<f", bytes.fromhex("ffff7f7f"))[0]

TENSORS = {  # name: (dtype, shape, values in row-major order)
    "weight_ih_l0": ("F32", [2, 3], [0.25 * i - 0.5 for i in range(6)]),
    "bias": ("F32", [3], [1.5, -2.0, 0.125]),
    "special_f32": ("F32", [8], [0.0, -0.0, math.inf, -math.inf, math.nan, 2.0 ** -126, 2.0 ** -149, F32_MAX]),
    "scalar_f32": ("F32", [], [3.25]),
    "empty_f32": ("F32", [0, 4], []),
    "f64_vector": ("F64", [4], [1.0 / 3.0, math.pi, -1e300, 5e-324]),
    "i32_cube": ("I32", [2, 2, 3], [7 * i - 40 for i in range(12)]),
    "i32_limits": ("I32", [2], [-2 ** 31, 2 ** 31 - 1]),
    "i64_scalar": ("I64", [], [2 ** 63 - 1]),
    "i64_vector": ("I64", [4], [-2 ** 63, -1, 0, 2 ** 40 + 3]),
}

METADATA = {
    "format": "pt",
    "note": "na\u00efve \u00fc \u2014 \U0001F642 \"quoted\" back\\slash\nnew line\ttab \u0001",
}


def pack(dtype, values):
    code, _, _ = DTYPES[dtype]
    return struct.pack("<%d%s" % (len(values), code), *values)


def build(pretty):
    order = sorted(TENSORS, key=lambda n: (-DTYPES[TENSORS[n][0]][2], n.encode("utf-8")))
    entries = {}
    data = b""
    for name in order:
        dtype, shape, values = TENSORS[name]
        assert math.prod(shape) == len(values), name
        blob = pack(dtype, values)
        entries[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(blob)]}
        data += blob
    header = {"__metadata__": METADATA}
    names = list(reversed(order)) if pretty else order
    for name in names:
        header[name] = entries[name]
    if pretty:
        text = json.dumps(header, ensure_ascii=True, indent=2)
    else:
        text = json.dumps(header, ensure_ascii=False, separators=(",", ":"))
    raw = text.encode("utf-8")
    raw += b" " * ((8 - len(raw) % 8) % 8)
    return struct.pack("<Q", len(raw)) + raw + data


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    for file_name, pretty in (("reference.safetensors", False), ("reference_escaped.safetensors", True)):
        with open(os.path.join(OUT_DIR, file_name), "wb") as f:
            f.write(build(pretty))


if __name__ == "__main__":
    main()
