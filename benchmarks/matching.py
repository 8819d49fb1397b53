"""Precision and recall of the matcher on the labelled set tests/data/name_pairs.csv.

Run: .venv/bin/python benchmarks/matching.py [--errors]
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


if __name__ == "__main__":
    main()
