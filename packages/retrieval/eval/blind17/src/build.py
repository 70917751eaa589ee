#!/usr/bin/env python3
"""Build knowledge/*.jsonl and questions.json from the pipe-delimited sources in src/."""
import json, os, glob
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
os.makedirs(os.path.join(ROOT, "knowledge"), exist_ok=True)
for path in sorted(glob.glob(os.path.join(HERE, "*.txt"))):
    name = os.path.basename(path)[:-4]
    if name == "questions":
        continue
    with open(path, encoding="utf-8") as f, open(os.path.join(ROOT, "knowledge", name + ".jsonl"), "w", encoding="utf-8") as out:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                continue
            tid, s, p, o = line.split("|")
            out.write(json.dumps([s, p, o, {"id": tid}], ensure_ascii=False) + "\n")
qs = []
with open(os.path.join(HERE, "questions.txt"), encoding="utf-8") as f:
    for line in f:
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        user, kind, lang, ids, q = line.split("|")
        qs.append({"user": user, "question": q, "relevant": ids.split(","), "kind": kind, "lang": lang})
with open(os.path.join(ROOT, "questions.json"), "w", encoding="utf-8") as f:
    json.dump(qs, f, ensure_ascii=False, indent=1)
print("built", len(qs), "questions")
