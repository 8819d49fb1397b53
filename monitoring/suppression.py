"""Small-cell suppression for the public statistics, with secondary suppression.

A table is published with its row totals, column totals and grand total. Primary: a count
from 1 to threshold - 1 is hidden (a zero is shown: it names nobody). Secondary: hiding one
cell of a row or column is not enough, since its total gives it back; so each row and each
column (totals included) must hide none or at least two cells, and the margins are equations
too. Cells are added, smallest first, until that holds and until no hidden cell can be worked
out from the published numbers by linear algebra (checked exactly, over the rationals):
the usual "no line with a single suppressed cell" rule is necessary, not always sufficient.

Cross-table (secondary) suppression: one set of counts is often published in two tables,
returns per month by destination and returns by destination and kind, whose per-destination
totals are the same numbers. Suppressed apart, a total one table hides to protect its own cells
can be published by the other, and an attacker solving both tables at once gets a hidden cell
back. So linked tables are suppressed as one system (suppress_linked): the numbers they share
are one unknown, hidden in both or in neither, and the check above runs over every equation of
every table.

Pure functions: counts in, the same shape out with None where hidden.
"""

from __future__ import annotations

from fractions import Fraction

Grid = list[list[int]]


class Table:
    """A grid of counts extended by the margins it is published with: a column of row
    totals when it has several columns, a row of column totals when it has several rows,
    and the grand total where both meet (a one-column table's column total is its total)."""

    def __init__(self, cells: Grid):
        self.n_rows, self.n_cols = len(cells), len(cells[0])
        self.row_margin = self.n_cols > 1
        self.col_margin = self.n_rows > 1
        grid = [[*r, sum(r)] if self.row_margin else list(r) for r in cells]
        if self.col_margin:
            grid.append([sum(col) for col in zip(*grid, strict=True)])
        self.grid = grid
        lines = []
        if self.row_margin:
            lines += [[(i, j) for j in range(len(grid[0]))] for i in range(len(grid))]
        if self.col_margin:
            lines += [[(i, j) for i in range(len(grid))] for j in range(len(grid[0]))]
        # Each line: its cells sum to its last cell (the line's total).
        self.lines = lines

    def cells(self):
        return [(i, j) for i in range(len(self.grid)) for j in range(len(self.grid[0]))]

    def is_total(self, cell) -> bool:
        i, j = cell
        return (self.col_margin and i == self.n_rows) or (self.row_margin and j == self.n_cols)

    def row_sum(self, i: int) -> tuple[int, int]:
        """Where row i's total is published (a one-column row is its own total)."""
        return (i, self.n_cols if self.row_margin else 0)

    def column_sum(self, j: int) -> tuple[int, int]:
        return (self.n_rows if self.col_margin else 0, j)

    def grand_sum(self) -> tuple[int, int]:
        return (self.n_rows if self.col_margin else 0, self.n_cols if self.row_margin else 0)


class Linked:
    """Several tables as one system of equations: a variable is (table, i, j) of an extended
    grid, and a link makes two positions one variable (the same number published twice).
    Offers what the suppression needs of a table: cells, value, is_total, lines."""

    def __init__(self, tables: list[Table], links: list[tuple[tuple, tuple]]):
        self.tables = tables
        parent: dict = {}

        def find(v):
            while parent.get(v, v) != v:
                v = parent[v]
            return v

        for a, b in links:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
        self.find = find
        self.lines = [
            [find((t, *cell)) for cell in line]
            for t, table in enumerate(tables)
            for line in table.lines
        ]
        self._cells = sorted(
            {find((t, *cell)) for t, table in enumerate(tables) for cell in table.cells()}
        )
        for a, b in links:
            if self.value(a) != self.value(b):
                raise ValueError(f"linked numbers differ: {a} {b}")
        self._totals = {
            find((t, *cell))
            for t, table in enumerate(tables)
            for cell in table.cells()
            if table.is_total(cell)
        }

    def cells(self):
        return self._cells

    def value(self, var) -> int:
        t, i, j = var
        return self.tables[t].grid[i][j]

    def is_total(self, var) -> bool:
        return var in self._totals


def determined_cells(system: Linked, hidden: set) -> set:
    """The hidden cells whose value follows from the published ones: those whose unit vector
    lies in the row space of the system's equations restricted to the hidden cells (reduced
    row echelon form over Fractions; the tables are small)."""
    unknowns = sorted(hidden)
    if not unknowns:
        return set()
    index = {cell: k for k, cell in enumerate(unknowns)}
    matrix = []
    for line in system.lines:
        row = [Fraction(0)] * len(unknowns)
        for position, cell in enumerate(line):
            if cell in index:
                row[index[cell]] += -1 if position == len(line) - 1 else 1
        if any(row):
            matrix.append(row)
    pivots, r = [], 0
    for c in range(len(unknowns)):
        pivot = next((k for k in range(r, len(matrix)) if matrix[k][c] != 0), None)
        if pivot is None:
            continue
        matrix[r], matrix[pivot] = matrix[pivot], matrix[r]
        lead = matrix[r][c]
        matrix[r] = [v / lead for v in matrix[r]]
        for k in range(len(matrix)):
            if k != r and matrix[k][c] != 0:
                factor = matrix[k][c]
                matrix[k] = [a - factor * b for a, b in zip(matrix[k], matrix[r], strict=True)]
        pivots.append(c)
        r += 1
    return {
        unknowns[c]
        for k, c in enumerate(pivots)
        if all(v == 0 for j, v in enumerate(matrix[k]) if j != c)
    }


def _complement(system: Linked, hidden: set, line: list) -> tuple:
    """The cell of `line` to hide next: the smallest count still shown, preferring an inner
    non-zero cell, then a zero, then a total."""

    def cost(cell):
        value = system.value(cell)
        return (system.is_total(cell), value == 0, value, cell)

    return min((cell for cell in line if cell not in hidden), key=cost)


def suppressed_cells(system: Linked, threshold: int) -> set:
    """The cells (margins included) to hide."""
    hidden = {cell for cell in system.cells() if 0 < system.value(cell) < threshold}
    while True:
        lonely = [ln for ln in system.lines if sum(cell in hidden for cell in ln) == 1]
        if lonely:
            hidden.add(_complement(system, hidden, lonely[0]))
            continue
        found = determined_cells(system, hidden)
        if not found:
            return hidden
        # A cell still follows from the others: hide one more beside it.
        cell = min(found)
        around = [ln for ln in system.lines if cell in ln and any(c not in hidden for c in ln)]
        if not around:
            return hidden
        hidden.add(_complement(system, hidden, around[0]))


def suppress(cells: Grid, threshold: int) -> tuple[list, list | None, list | None, object]:
    """(cells, row totals, column totals, grand total) as published, None where hidden.
    Row totals are None (not published) for a one-column table, column totals for a one-row
    table; the grand total is always published unless hidden."""
    if not cells or not cells[0]:
        return cells, None, None, 0
    table = Table(cells)
    return _published(table, suppressed_cells(Linked([table], []), threshold), 0)


def _published(table: Table, hidden: set, t: int, find=lambda v: v):
    grid = table.grid

    def shown(i, j):
        return None if find((t, i, j)) in hidden else grid[i][j]

    n, m = table.n_rows, table.n_cols
    out = [[shown(i, j) for j in range(m)] for i in range(n)]
    row_totals = [shown(i, m) for i in range(n)] if table.row_margin else None
    col_totals = [shown(n, j) for j in range(m)] if table.col_margin else None
    if table.row_margin and table.col_margin:
        total = shown(n, m)
    elif table.col_margin:
        total = col_totals[0]
    elif table.row_margin:
        total = row_totals[0]
    else:
        total = out[0][0]
    return out, row_totals, col_totals, total


Ref = tuple  # ("row", i) | ("column", j) | ("total",): a sum one table publishes


def _position(table: Table, ref: Ref) -> tuple[int, int]:
    kind, *at = ref
    if kind == "row":
        return table.row_sum(*at)
    if kind == "column":
        return table.column_sum(*at)
    return table.grand_sum()


def suppress_linked(
    grids: list[Grid], links: list[tuple[int, Ref, int, Ref]], threshold: int
) -> list[tuple]:
    """suppress() of several tables at once, where each link (t, ref, u, ref') says that a
    sum published by table t is the same number as one published by table u: the tables are
    suppressed as one system, so that no hidden count follows from all of them together."""
    if any(not g or not g[0] for g in grids):
        return [suppress(g, threshold) for g in grids]
    tables = [Table(g) for g in grids]
    system = Linked(
        tables,
        [((t, *_position(tables[t], a)), (u, *_position(tables[u], b))) for t, a, u, b in links],
    )
    hidden = suppressed_cells(system, threshold)
    return [_published(table, hidden, t, system.find) for t, table in enumerate(tables)]
