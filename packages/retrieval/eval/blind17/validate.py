#!/usr/bin/env python3
"""Validate eval17: every JSONL line parses, ids unique per file, every relevant id exists; print counts.
Also prints a heuristic lexical-overlap report (question vs. relevant triples) to sanity-check kind labels."""
import json, os, glob, re, sys
from collections import Counter
ROOT = os.path.dirname(os.path.abspath(__file__))
ok = True
triples = {}
for path in sorted(glob.glob(os.path.join(ROOT, "knowledge", "*.jsonl"))):
    user = os.path.basename(path)[:-6]
    ids = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            try:
                row = json.loads(line)
                assert isinstance(row, list) and len(row) == 4 and all(isinstance(x, str) and x for x in row[:3])
                tid = row[3]["id"]
            except Exception as e:
                print(f"PARSE ERROR {path}:{n}: {e}"); ok = False; continue
            if tid in ids:
                print(f"DUPLICATE id {tid} in {user}"); ok = False
            ids[tid] = row
    triples[user] = ids
    flag = "" if 80 <= len(ids) <= 110 else "  <-- outside 80-110"
    print(f"{user}: {len(ids)} triples{flag}")
qs = json.load(open(os.path.join(ROOT, "questions.json"), encoding="utf-8"))
for i, q in enumerate(qs):
    if set(q) != {"user", "question", "relevant", "kind", "lang"}:
        print("BAD KEYS", i, q); ok = False
    if q["user"] not in triples:
        print("UNKNOWN USER", i, q); ok = False; continue
    if q["kind"] not in ("shared", "paraphrase", "inference") or q["lang"] not in ("zh", "en", "mixed"):
        print("BAD kind/lang", i, q); ok = False
    if not q["relevant"]:
        print("EMPTY relevant", i, q); ok = False
    for r in q["relevant"]:
        if r not in triples[q["user"]]:
            print("MISSING relevant id", r, "for", q); ok = False
dup = [k for k, v in Counter((q["user"], q["question"]) for q in qs).items() if v > 1]
if dup: print("DUPLICATE questions", dup); ok = False

# heuristic overlap check
STOP = set("""a an the i me my mine we our us you your he him his she her they them their it its is am are was were be been do does did
doing to of in on at for with from by about again what whats what's which who who's whom where where's where'd when when's how how's why
this that these there here and or but if so any some can could should would will shall may might must not no yes up down out into over
just now then than too very usually right moment any ok good idea go get got have has had want make thing one kind much many often time
called name names remind all each every""".split())
def en_tokens(s):
    toks = re.findall(r"[a-z0-9]+", s.lower().replace("_", " "))
    out = set()
    for t in toks:
        if t in STOP or len(t) < 2: continue
        for suf in ("ing", "ed", "es", "s"):
            if t.endswith(suf) and len(t) - len(suf) >= 3:
                t = t[: -len(suf)]; break
        out.add(t)
    return out
ZH_STOP = set("什么 我的 我们 一般 是不 不是 哪个 多少 来着 几点 有没 可以 怎么 现在 平时 一下 还是".split())
def zh_bigrams(s):
    out = set()
    for run in re.findall(r"[\u4e00-\u9fff]+", s):
        for i in range(len(run) - 1):
            b = run[i:i+2]
            if b not in ZH_STOP: out.add(b)
    return out
def feats(s): return en_tokens(s) | zh_bigrams(s)
warn = 0
for q in qs:
    if q["user"] not in triples: continue
    qf = feats(q["question"])
    tf = set()
    for r in q["relevant"]:
        row = triples[q["user"]].get(r)
        if row: tf |= feats(" ".join(row[:3]).replace("用户", "").replace("user", ""))
    common = qf & tf
    if q["kind"] == "paraphrase" and common:
        print(f"  overlap in paraphrase: {q['question']!r} ~ {sorted(common)}"); warn += 1
    if q["kind"] == "shared" and not common:
        print(f"  no detected overlap in shared: {q['question']!r}"); warn += 1
print("heuristic warnings:", warn)

print("\nquestions:", len(qs))
kinds = Counter(q["kind"] for q in qs); langs = Counter(q["lang"] for q in qs)
for k in ("shared", "paraphrase", "inference"):
    print(f"  kind {k}: {kinds[k]} ({100*kinds[k]/len(qs):.0f}%)")
for l in ("zh", "en", "mixed"):
    print(f"  lang {l}: {langs[l]}")
print("  per user:", dict(Counter(q["user"] for q in qs)))
print("  kind x lang:", dict(sorted(Counter((q["kind"], q["lang"]) for q in qs).items())))
print("  relevant ids per question:", dict(sorted(Counter(len(q["relevant"]) for q in qs).items())))
print("VALID" if ok else "INVALID")
sys.exit(0 if ok else 1)
