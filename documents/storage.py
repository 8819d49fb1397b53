"""Files in DOCUMENTS_ROOT that no row refers to, set aside and, later, removed.

A file can outlive its row: the process that deleted a document (or a person, with their
documents and packs) died between the commit and the file's removal, which runs on commit;
an upload or a pack's build died between writing its file and committing its row; a pack's
run failed after storing its files. Nothing reads such a file (it opens only with the key on
its row), but it holds a person's data, encrypted, and takes room.

`documents_orphans_sweep` moves each file that no row names, and that is older than a grace
period (an upload's file is in place shortly before its row commits), into `orphans/` under
the root, and removes what has been there longer than the keeping period. Set aside first,
not removed at once: a file that was wrongly taken for an orphan (a restore in progress, a
database pointed at the wrong root) can be moved back. Apps whose rows name files here
register a function returning those names (evidence does, for its packs).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings

ORPHANS = "orphans"
GRACE = timedelta(hours=24)
KEEP = timedelta(days=30)

_references: list[Callable[[], Iterable[str]]] = []


def register_references(names: Callable[[], Iterable[str]]) -> None:
    """Count the names `names()` returns (relative to DOCUMENTS_ROOT) as in use."""
    if names not in _references:
        _references.append(names)


def referenced_names() -> set[str]:
    from .models import Document

    names = set(Document.objects.values_list("storage_name", flat=True))
    for more in _references:
        names.update(n for n in more() if n)
    return names


@dataclass
class OrphanResult:
    set_aside: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    too_recent: int = 0


def _age(path: Path, now: datetime) -> float:
    return now.timestamp() - path.stat().st_mtime


def documents_orphans_sweep(
    *, now: datetime, dry_run: bool = False, grace: timedelta = GRACE, keep: timedelta = KEEP
) -> OrphanResult:
    """Set aside the files no row names (older than `grace`), remove those set aside longer
    than `keep`. With `dry_run`, only say what would be done."""
    root = Path(settings.DOCUMENTS_ROOT)
    result = OrphanResult()
    if not root.is_dir():
        return result
    quarantine = root / ORPHANS
    # The names are read before the folder is walked: a row committed after this read has
    # a file younger than the grace period, which is left alone.
    referenced = referenced_names()
    for path in sorted(root.rglob("*")):
        if quarantine in path.parents or not path.is_file():
            continue
        name = path.relative_to(root).as_posix()
        if name in referenced:
            continue
        try:
            if _age(path, now) < grace.total_seconds():
                result.too_recent += 1
                continue
            result.set_aside.append(name)
            if not dry_run:
                quarantine.mkdir(exist_ok=True)
                target = quarantine / name.replace("/", "__")
                path.replace(target)
                # Its time there counts from now (a rename keeps the file's own time).
                os.utime(target, (now.timestamp(), now.timestamp()))
        except FileNotFoundError:
            continue  # removed meanwhile (its row's deletion committed): nothing to do
    if quarantine.is_dir():
        for path in sorted(quarantine.iterdir()):
            if path.is_file() and _age(path, now) > keep.total_seconds():
                result.removed.append(path.name)
                if not dry_run:
                    path.unlink(missing_ok=True)
    return result
