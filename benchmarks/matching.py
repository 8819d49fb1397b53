"""Precision and recall of the matcher: the regression set tests/data/name_pairs.csv (290
pairs), then the generated evaluation (benchmarks/identity_eval.py) per category, for the
part tuned on and the part held out.

Run: .venv/bin/python benchmarks/matching.py [--errors] [--split tune|held-out]
Errors are listed only for the split asked for (default: tune; look at held-out errors
only when you are done tuning).
"""

from __future__ import annotations

import csv
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAIRS = ROOT / "tests" / "data" / "name_pairs.csv"


def evaluate(path: Path = PAIRS) -> dict:
    from identity.matching import score_names

    tp = fp = fn = tn = 0
    errors = []
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    started = time.perf_counter()
    for row in rows:
        match = score_names(row["name_a"], row["name_b"], row["birth_a"], row["birth_b"])
        truth = row["same_person"] == "1"
        if match.same_person and truth:
            tp += 1
        elif match.same_person:
            fp += 1
            errors.append(("false match", row, match))
        elif truth:
            fn += 1
            errors.append(("missed", row, match))
        else:
            tn += 1
    elapsed = time.perf_counter() - started
    return {
        "pairs": len(rows),
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "seconds": elapsed,
        "errors": errors,
    }


def evaluate_generated(split: str | None = None) -> dict:
    """The generated pairs scored by `score_names`: {"table": {(split, category): counts and
    precision/recall}, "errors": [Pair]} for `split` (None: both)."""
    from benchmarks.identity_eval import generate, score
    from identity.matching import score_names

    pairs = [p for p in generate() if split is None or p.split == split]
    return score(pairs, lambda a, b, ba, bb: score_names(a, b, ba, bb).same_person)


def print_generated(split_for_errors: str, show_errors: bool) -> None:
    started, cpu = time.perf_counter(), time.process_time()
    result = evaluate_generated()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    table = result["table"]
    for split in ("tune", "held-out"):
        rows = sorted(k[1] for k in table if k[0] == split and k[1] != "overall")
        print(
            f"\n{split}: {'category':<48} {'pairs':>6} {'same':>5} {'precision':>9} "
            f"{'recall':>7} {'false matches':>13} {'missed':>6}"
        )
        for category in [*rows, "overall"]:
            r = table[split, category]
            n = r["tp"] + r["fp"] + r["fn"] + r["tn"]
            print(
                f"{'':>{len(split)}}  {category:<48} {n:>6} {r['tp'] + r['fn']:>5} "
                f"{r['precision']:>9.3f} {r['recall']:>7.3f} {r['fp']:>13} {r['fn']:>6}"
            )
    print(
        "\n(a category of different people only has no recall; its precision is 1.000 with "
        "no false match and 0.000 with any)"
    )
    print(f"\n(generated pairs scored in {wall:.2f} s wall, {cpu:.2f} s CPU)")
    if show_errors:
        for pair in result["errors"]:
            if pair.split == split_for_errors:
                match = score_names_of(pair)
                print(
                    f"{'missed' if pair.same_person else 'false match'} [{pair.category}]: "
                    f"{pair.name_a} | {pair.name_b} | {pair.birth_a} | {pair.birth_b} -> "
                    f"{match.score} {match.reasons}"
                )


def score_names_of(pair):
    from identity.matching import score_names

    return score_names(pair.name_a, pair.name_b, pair.birth_a, pair.birth_b)


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    result = evaluate()
    print(
        f"{result['pairs']} pairs: precision {result['precision']:.3f}, "
        f"recall {result['recall']:.3f} (tp {result['tp']}, fp {result['fp']}, "
        f"fn {result['fn']}, tn {result['tn']}) in {result['seconds']:.2f} s"
    )
    if "--errors" in sys.argv:
        for kind, row, match in result["errors"]:
            print(
                f"{kind}: {row['name_a']} | {row['name_b']} | {row['birth_a']} | "
                f"{row['birth_b']} [{row['kind']}] -> {match.score} {match.reasons}"
            )
    split = sys.argv[sys.argv.index("--split") + 1] if "--split" in sys.argv else "tune"
    print_generated(split, "--errors" in sys.argv)


if __name__ == "__main__":
    main()
