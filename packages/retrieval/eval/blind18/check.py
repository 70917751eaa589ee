#!/usr/bin/env python3
"""Validate the blind18 eval set and report lexical overlap for paraphrase questions.

Usage: python3 check.py [--all-overlap]
"""
import json, os, re, sys
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
KDIR = os.path.join(HERE, "knowledge")
EN_STOP = set("""a an the of to in on at for from by with and or but is are was were be been am do does did
have has had i me my mine we our you your he she it its they them their his her this that these those what
when where which who whom whose why how many much any some all not no yes can could should would will shall
may might must if then than so as about into over under up down out off again there here just also too very
user users s t d ll re ve m don doesn didn isn aren wasn weren let get got ok please tell know remind
""".split())
CJK = re.compile(r"[\u3400-\u9fff]+")
WORD = re.compile(r"[A-Za-z][a-z]+|[A-Z]+(?![a-z])|\d+")
ZH_STOP = {"用户", "什么", "哪个", "几号", "多少", "是不", "不是", "一下", "我的", "我们", "可以", "一个"}

def stem(w):
    # crude suffix stripping so "swims"/"swim", "lives"/"live" count as shared
    for suf in ("ing", "ed", "es", "s"):
        if len(w) > len(suf) + 3 and w.endswith(suf):
            return w[: -len(suf)]
    return w

def script(text):
    """Share of CJK characters among CJK + Latin letters (0 = all Latin, 1 = all CJK)."""
    c = sum(len(r) for r in CJK.findall(text))
    l = len(re.findall(r"[A-Za-z]", text))
    return c / (c + l) if c + l else 0.5

def tokens(text):
    out = set()
    for w in WORD.findall(text):
        w = w.lower()
        if w not in EN_STOP and (len(w) > 1 or w.isdigit()):
            out.add(stem(w))
    for run in CJK.findall(text):
        for i in range(len(run) - 1):
            bg = run[i:i + 2]
            if bg not in ZH_STOP:
                out.add(bg)
    return out

def main():
    errors = []
    kb = {}
    for fn in sorted(os.listdir(KDIR)):
        if not fn.endswith(".jsonl"):
            continue
        person = fn[:-6]
        ids = {}
        with open(os.path.join(KDIR, fn), encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                    s, p, o, meta = row
                    assert all(isinstance(x, str) and x.strip() for x in (s, p, o))
                    tid = meta["id"]
                except Exception as e:
                    errors.append(f"{fn}:{n}: bad line ({e})")
                    continue
                if tid in ids:
                    errors.append(f"{fn}:{n}: duplicate id {tid}")
                ids[tid] = (s, p, o)
        if not 80 <= len(ids) <= 110:
            errors.append(f"{fn}: {len(ids)} triples (want 80-110)")
        kb[person] = ids
    with open(os.path.join(HERE, "questions.json"), encoding="utf-8") as f:
        qs = json.load(f)
    by_kind, by_lang, by_user = Counter(), Counter(), Counter()
    grid = defaultdict(Counter)
    seen_q = set()
    overlaps = []
    cross = []
    for i, q in enumerate(qs):
        for k in ("user", "question", "relevant", "kind", "lang"):
            if k not in q:
                errors.append(f"q{i}: missing {k}")
        if q.get("user") not in kb:
            errors.append(f"q{i}: unknown user {q.get('user')}")
            continue
        if q["kind"] not in ("shared", "paraphrase", "inference"):
            errors.append(f"q{i}: bad kind {q['kind']}")
        if q["lang"] not in ("zh", "en", "mixed"):
            errors.append(f"q{i}: bad lang {q['lang']}")
        if not q["relevant"]:
            errors.append(f"q{i}: empty relevant")
        if len(q["relevant"]) > 5:
            errors.append(f"q{i}: {len(q['relevant'])} relevant ids (> 5, recall@5 cannot reach 1)")
        key = (q["user"], q["question"])
        if key in seen_q:
            errors.append(f"q{i}: duplicate question {q['question']}")
        seen_q.add(key)
        for r in q["relevant"]:
            if r not in kb[q["user"]]:
                errors.append(f"q{i}: relevant id {r} not in {q['user']}")
        by_kind[q["kind"]] += 1; by_lang[q["lang"]] += 1; by_user[q["user"]] += 1
        grid[q["kind"]][q["lang"]] += 1
        qt = tokens(q["question"])
        at = set()
        for r in q["relevant"]:
            if r in kb[q["user"]]:
                at |= tokens(" ".join(kb[q["user"]][r]))
        shared = qt & at
        ans_text = " ".join(" ".join(kb[q["user"]][r][1:]) for r in q["relevant"] if r in kb[q["user"]])
        qs_, as_ = script(q["question"]), script(ans_text)
        if (qs_ < 0.2 and as_ > 0.6) or (qs_ > 0.8 and as_ < 0.4):
            cross.append(i)
        if q["kind"] == "paraphrase" and shared:
            overlaps.append((i, q["user"], q["question"], sorted(shared)))
        if q["kind"] == "shared" and not shared:
            overlaps.append((i, q["user"], q["question"], ["<shared question has NO overlap>"]))
    print("triples per person:", {k: len(v) for k, v in kb.items()}, "total", sum(len(v) for v in kb.values()))
    print("questions per person:", dict(by_user), "total", len(qs))
    print("by kind:", dict(by_kind))
    print("by lang:", dict(by_lang))
    langs = ["zh", "en", "mixed"]
    print("kind x lang:")
    print("  %-11s" % "" + "".join("%7s" % l for l in langs) + "  total")
    for k in ("shared", "paraphrase", "inference"):
        print("  %-11s" % k + "".join("%7d" % grid[k][l] for l in langs) + "  %5d" % sum(grid[k].values()))
    print(f"cross-language questions (question script differs from answer predicate+object script): {len(cross)}")
    print(f"\nlexical-overlap report ({len(overlaps)} flagged):")
    for i, u, qq, sh in overlaps:
        print(f"  q{i} [{u}] {qq}  -> {sh}")
    if errors:
        print(f"\n{len(errors)} ERRORS:")
        for e in errors:
            print("  " + e)
        sys.exit(1)
    print("\nOK")

if __name__ == "__main__":
    main()
