"""The long schemathesis pass: every operation of the API, as each role, with many examples.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/haven_fuzz .venv/bin/python benchmarks/fuzz_api.py --examples 50

Runs tests/fuzz (the same checks as the short pass in the test command: no 500, no response
that breaks its schema, no row written by a failed request) with more examples per operation,
on a throwaway test database that pytest creates and drops.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=50, help="per operation and role")
    parser.add_argument("--role", action="append", help="only these roles (repeatable)")
    args = parser.parse_args()
    env = {**os.environ, "HAVEN_FUZZ_EXAMPLES": str(args.examples)}
    env.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/haven_fuzz")
    selection = ["-k", " or ".join(args.role)] if args.role else []
    return subprocess.run(
        [sys.executable, "-m", "pytest", "tests/fuzz", "-q", "-s", "-p", "no:cacheprovider",
         *selection],
        cwd=ROOT, env=env, check=False,
    ).returncode  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
