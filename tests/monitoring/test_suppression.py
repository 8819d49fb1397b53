"""Small-cell suppression and secondary suppression: an attacker who reads the published
table (cells and totals) and solves for what is hidden must recover no hidden count."""

from __future__ import annotations

import itertools
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from monitoring.suppression import suppress


def published(cells, threshold=5):
    return suppress(cells, threshold)


def attack(cells, out, row_totals, col_totals, total) -> dict:
    """What an attacker works out: repeatedly, any row or column (with its published total)
    that has exactly one unknown gives it; the grand total ties the margins together. Returns
    {(i, j): value} of recovered inner cells that were hidden."""
    n, m = len(cells), len(cells[0])
    known = {(i, j): out[i][j] for i in range(n) for j in range(m) if out[i][j] is not None}
    rows = list(row_totals) if row_totals is not None else None
    cols = list(col_totals) if col_totals is not None else None
    grand = total
    if rows is None and m == 1:
        rows = [known.get((i, 0)) for i in range(n)]  # a one-column row is its own total
    if cols is None and n == 1:
        cols = [known.get((0, j)) for j in range(m)]
    changed = True
    while changed:
        changed = False
        lines = []
        if rows is not None:
            lines += [([(i, j) for j in range(m)], ("row", i)) for i in range(n)]
        if cols is not None:
            lines += [([(i, j) for i in range(n)], ("col", j)) for j in range(m)]
        for cells_of_line, (kind, k) in lines:
            line_total = rows[k] if kind == "row" else cols[k]
            unknown = [c for c in cells_of_line if c not in known]
            if line_total is None:
                if not unknown:
                    value = sum(known[c] for c in cells_of_line)
                    (rows if kind == "row" else cols)[k] = value
                    changed = True
                continue
            if len(unknown) == 1:
                known[unknown[0]] = line_total - sum(known.get(c, 0) for c in cells_of_line)
                changed = True
        for margin in (rows, cols):
            if margin is None or grand is None:
                continue
            missing = [k for k, v in enumerate(margin) if v is None]
            if len(missing) == 1:
                margin[missing[0]] = grand - sum(v for v in margin if v is not None)
                changed = True
        if grand is None:
            for margin in (rows, cols):
                if margin is not None and all(v is not None for v in margin):
                    grand = sum(margin)
                    changed = True
                    break
    return {c: v for c, v in known.items() if out[c[0]][c[1]] is None}


def brute_force_unique(cells, out, row_totals, col_totals, total, limit=12) -> set:
    """The hidden cells that take one value in every table consistent with what is published,
    trying every hidden count from 0 to `limit` (a narrower range than the attacker's, so any
    leak shows sooner): exhaustive, small tables only."""
    n, m = len(cells), len(cells[0])
    hidden = [(i, j) for i in range(n) for j in range(m) if out[i][j] is None]
    seen: dict = {c: set() for c in hidden}
    for values in itertools.product(range(limit + 1), repeat=len(hidden)):
        grid = [row[:] for row in out]
        for (i, j), v in zip(hidden, values, strict=True):
            grid[i][j] = v
        _c, r, c, t = suppress(grid, 0)
        if all(
            pub is None or pub == got
            for pub, got in zip((row_totals or []) + (col_totals or []) + [total],
                                (r or []) + (c or []) + [t], strict=True)
        ):  # fmt: skip
            for cell, v in zip(hidden, values, strict=True):
                seen[cell].add(v)
    return {cell for cell, options in seen.items() if len(options) == 1}


def test_a_small_count_is_hidden_and_a_zero_is_not():
    out, _r, cols, total = published([[3], [0], [12], [40]])
    assert out[0] == [None] and out[1] == [0]
    assert total == 55


def test_one_hidden_cell_beside_a_total_takes_a_second_with_it():
    cells = [[3], [10], [12]]
    out, _r, cols, total = published(cells)
    assert out == [[None], [None], [12]]  # 10 is the smallest count that protects 3
    assert attack(cells, out, None, cols, total) == {}


def test_a_lone_small_count_hides_its_total_too():
    cells = [[3], [0]]
    out, _r, cols, total = published(cells)
    assert out[0] == [None] and total is None
    assert attack(cells, out, None, cols, total) == {}


def test_a_two_way_table_gives_back_no_hidden_cell():
    cells = [[3, 10, 7], [8, 9, 2], [20, 30, 40]]
    out, rows, cols, total = published(cells)
    assert out[0][0] is None and out[1][2] is None
    assert attack(cells, out, rows, cols, total) == {}
    assert brute_force_unique(cells, out, rows, cols, total, limit=11) == set()


def test_the_threshold_is_the_admins():
    out, *_ = suppress([[6], [7], [30]], 8)
    assert out[0] == [None] and out[1] == [None]
    out, *_ = suppress([[6], [7], [30]], 5)
    assert out == [[6], [7], [30]]


def test_nothing_small_hides_nothing():
    cells = [[5, 6], [7, 8]]
    assert suppress(cells, 5) == (cells, [11, 15], [12, 14], 26)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 4).flatmap(
        lambda n: st.integers(1, 4).flatmap(
            lambda m: st.lists(
                st.lists(st.integers(0, 15), min_size=m, max_size=m), min_size=n, max_size=n
            )
        )
    )
)
def test_no_table_gives_a_hidden_small_count_back(cells):
    out, rows, cols, total = suppress(cells, 5)
    for i, row in enumerate(cells):
        for j, v in enumerate(row):
            if 0 < v < 5:
                assert out[i][j] is None
    assert attack(cells, out, rows, cols, total) == {}


def test_random_small_tables_resist_an_exhaustive_attack():
    rng = random.Random(20)
    for _ in range(25):
        n, m = rng.randint(1, 3), rng.randint(1, 3)
        cells = [[rng.choice([0, 1, 2, 3, 6, 9]) for _ in range(m)] for _ in range(n)]
        out, rows, cols, total = suppress(cells, 5)
        if sum(v is None for row in out for v in row) > 3:
            continue  # keep the exhaustive search small
        assert brute_force_unique(cells, out, rows, cols, total) == set(), cells
