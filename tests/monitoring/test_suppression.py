"""Small-cell suppression and secondary suppression: an attacker who reads the published
table (cells and totals), or two tables of the same counts at once, and solves for what is
hidden must recover no hidden count."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from monitoring.suppression import suppress, suppress_linked


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


# Two tables of one set of returns: per month by destination (A) and by destination and kind
# (B); B's row totals are A's column totals. The attacker knows that and solves every
# published number of both at once, over the returns themselves: one unknown per (month,
# destination, kind).


def _tables(cube):
    months, dests, kinds = len(cube), len(cube[0]), len(cube[0][0])
    a = [[sum(cube[t][d]) for d in range(dests)] for t in range(months)]
    b = [[sum(cube[t][d][k] for t in range(months)) for k in range(kinds)] for d in range(dests)]
    return a, b


def _links(dests):
    return [(0, ("total",), 1, ("total",))] + [
        (0, ("column", d), 1, ("row", d)) for d in range(dests)
    ]


def _numbers(groups, result):
    """(what it is, the returns it sums, published value or None) for each number a table
    publishes; `groups[i][j]` is the set of unknowns cell (i, j) adds up."""
    out, rows, cols, total = result
    n, m = len(groups), len(groups[0])
    union = set().union
    numbers = [(("cell", i, j), groups[i][j], out[i][j]) for i in range(n) for j in range(m)]
    if rows is not None:
        numbers += [(("row", i), union(*groups[i]), rows[i]) for i in range(n)]
    if cols is not None:
        numbers += [(("col", j), union(*(g[j] for g in groups)), cols[j]) for j in range(m)]
    return numbers + [(("total",), union(*(c for g in groups for c in g)), total)]


def _reduce(basis: dict, vector: list) -> list:
    """`vector` less its part in the span of `basis` ({pivot: row with 1 at pivot})."""
    vector = [Fraction(v) for v in vector]
    for pivot, row in basis.items():
        if vector[pivot]:
            factor = vector[pivot]
            vector = [v - factor * r for v, r in zip(vector, row, strict=True)]
    return vector


def solve_both(cube, published_a, published_b) -> list:
    """The hidden numbers of either table that follow, by linear algebra, from everything
    published in both: those whose sum of unknowns lies in the span of the published sums."""
    months, dests, kinds = len(cube), len(cube[0]), len(cube[0][0])
    unknowns = list(itertools.product(range(months), range(dests), range(kinds)))
    groups_a = [[{(t, d, k) for k in range(kinds)} for d in range(dests)] for t in range(months)]
    groups_b = [[{(t, d, k) for t in range(months)} for k in range(kinds)] for d in range(dests)]
    numbers = [("A", *x) for x in _numbers(groups_a, published_a)]
    numbers += [("B", *x) for x in _numbers(groups_b, published_b)]

    def vector(members):
        return [1 if u in members else 0 for u in unknowns]

    basis: dict = {}
    for _t, _what, members, value in numbers:
        if value is None:
            continue
        rest = _reduce(basis, vector(members))
        pivot = next((i for i, v in enumerate(rest) if v), None)
        if pivot is not None:
            rest = [v / rest[pivot] for v in rest]
            basis = {p: _reduce({pivot: rest}, row) for p, row in basis.items()}
            basis[pivot] = rest
    return [
        (t, what)
        for t, what, members, value in numbers
        if value is None and not any(_reduce(basis, vector(members)))
    ]


def test_the_attacker_solves_two_tables_at_once():
    # The solver finds what a careless publication gives away: the month table hides the
    # second month's 3 and its complement, but the kind table, published in full, gives the
    # per-destination totals back, and with them that 3.
    cube = [[[6, 0], [0, 9]], [[3, 0], [0, 7]]]  # months x destinations x kinds
    a, b = _tables(cube)
    careless_a = ([[6, 9], [None, None]], [15, None], [None, None], None)
    assert ("A", ("cell", 1, 0)) in solve_both(cube, careless_a, suppress(b, 0))
    assert solve_both(cube, careless_a, ([[None] * 2] * 2, [None] * 2, [None] * 2, None)) == []


def test_a_total_both_tables_share_is_hidden_in_both_or_in_neither():
    cube = [[[3, 0], [6, 6]], [[0, 0], [5, 7]]]
    a, b = _tables(cube)
    pa, pb = suppress_linked([a, b], _links(2), 5)
    assert pa[0][0][0] is None  # June's 3
    assert [pb[1][d] for d in range(2)] == [pa[2][d] for d in range(2)]  # the shared totals
    assert pa[3] == pb[3]
    assert solve_both(cube, pa, pb) == []


@settings(max_examples=60, deadline=None)
@given(
    st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3)).flatmap(
        lambda shape: st.lists(
            st.lists(
                st.lists(st.sampled_from([0, 0, 1, 2, 3, 5, 8, 13]), min_size=shape[2],
                         max_size=shape[2]),
                min_size=shape[1], max_size=shape[1],
            ),
            min_size=shape[0], max_size=shape[0],
        )
    )
)  # fmt: skip
def test_no_pair_of_linked_tables_gives_a_hidden_count_back(cube):
    a, b = _tables(cube)
    pa, pb = suppress_linked([a, b], _links(len(cube[0])), 5)
    for grid, (out, rows, cols, total) in ((a, pa), (b, pb)):
        _c, r, c, t = suppress(grid, 0)
        for shown, true in zip(
            [v for row in out for v in row] + (rows or []) + (cols or []) + [total],
            [v for row in grid for v in row] + (r or []) + (c or []) + [t],
            strict=True,
        ):
            assert shown is None or not 0 < true < 5
    assert solve_both(cube, pa, pb) == []
