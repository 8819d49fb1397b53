"""Back up everything (every table, history included, and generated files) to one encrypted
archive, and restore it into an empty database.

Inside the encryption is a tar: `manifest.json` (when, row counts, the migration each app was
at), `data.exactjson` (Django's JSON serialization with times to the microsecond, see
ops/serializers.py; with natural keys, so content types and permissions map
onto the target's own), `media/` (generated letters and answers) and `documents/` (uploaded
documents and evidence packs, copied as they are stored: encrypted under their own keys, which
the rows hold wrapped by HAVEN_DOCUMENTS_KEY; restore on a server with the same key).
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import management
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import override_settings

from .crypto import decrypt_stream, encrypt_stream

# Rebuilt by `migrate` on the target; dumping them would clash with the target's own rows.
EXCLUDED = ["contenttypes", "auth.permission", "sessions"]


class RestoreRefused(Exception):
    pass


def _models_backed_up():
    skip_apps = {"contenttypes", "sessions"}
    for model in apps.get_models(include_auto_created=False):
        meta = model._meta
        if meta.app_label in skip_apps or meta.label == "auth.Permission" or meta.proxy:
            continue
        if not meta.managed:
            continue
        yield model


def row_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in _models_backed_up()}


def _migration_state() -> dict[str, str]:
    state: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        state[app] = max(state.get(app, ""), name)
    return state


def _files_under(root: Path) -> list[Path]:
    # A ".partial" is an upload still being written: not a file of any row yet.
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix != ".partial")


# Folders of files in the archive: its name there, and the setting that says where it lives.
FILE_FOLDERS = (("media", "MEDIA_ROOT"), ("documents", "DOCUMENTS_ROOT"))


def backup_create(*, target: Path, passphrase: str, stdout=None) -> dict:
    """Write the encrypted archive to `target`. Returns the manifest."""
    with tempfile.TemporaryDirectory() as tmp:
        data_path = Path(tmp) / "data.exactjson"
        with open(data_path, "w", encoding="utf-8") as out, transaction.atomic():
            # One transaction: the dump is a consistent snapshot even while workers write.
            management.call_command(
                "dumpdata",
                format="exactjson",
                natural_foreign=True,
                natural_primary=True,
                exclude=EXCLUDED,
                stdout=out,
            )
            counts = row_counts()
        digest = hashlib.sha256(data_path.read_bytes()).hexdigest()
        folders = {name: Path(getattr(settings, setting)) for name, setting in FILE_FOLDERS}
        files = [(name, root, p) for name, root in folders.items() for p in _files_under(root)]
        manifest = {
            "format": 1,
            "created_at": datetime.now(UTC).isoformat(),
            "rows": counts,
            "migrations": _migration_state(),
            "data_sha256": digest,
            "media_files": sum(1 for name, _root, _p in files if name == "media"),
            "document_files": sum(1 for name, _root, _p in files if name == "documents"),
        }
        tar_path = Path(tmp) / "backup.tar"
        with tarfile.open(tar_path, "w") as tar:
            raw = json.dumps(manifest, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
            tar.add(data_path, arcname="data.exactjson")
            for i, (name, root, path) in enumerate(files, 1):
                tar.add(path, arcname=f"{name}/{path.relative_to(root)}")
                if stdout and (i % 100 == 0 or i == len(files)):
                    stdout.write(f"\r  files {i}/{len(files)}", ending="")
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(target.suffix + ".partial")
        with open(tar_path, "rb") as src, open(partial, "wb") as dst:
            encrypt_stream(src, dst, passphrase)
        partial.replace(target)  # never leave a half-written archive under the real name
    return manifest


def _database_is_empty() -> list[str]:
    from django.contrib.auth import get_user_model

    from casework.models import Person

    busy = []
    if Person.objects.exists():
        busy.append("persons")
    if get_user_model().objects.exists():
        busy.append("users")
    return busy


def backup_restore(*, source: Path, passphrase: str, stdout=None) -> dict:
    """Restore an archive into an empty database (already migrated). All or nothing."""
    busy = _database_is_empty()
    if busy:
        raise RestoreRefused(
            "Restore needs an empty database, but this one already has "
            + " and ".join(busy)
            + ". Restore into a new database (create it, run migrate, then restore)."
        )
    with tempfile.TemporaryDirectory() as tmp:
        tar_path = Path(tmp) / "backup.tar"
        with open(source, "rb") as src, open(tar_path, "wb") as out:
            for chunk in decrypt_stream(src, passphrase):
                out.write(chunk)
        with tarfile.open(tar_path) as tar:
            tar.extractall(tmp, filter="data")
        manifest = json.loads((Path(tmp) / "manifest.json").read_text())
        data_path = Path(tmp) / "data.exactjson"
        if hashlib.sha256(data_path.read_bytes()).hexdigest() != manifest["data_sha256"]:
            raise RestoreRefused("The archive's data does not match its manifest.")
        ours = _migration_state()
        behind = {
            app: name for app, name in manifest["migrations"].items() if ours.get(app, "") < name
        }
        if behind:
            raise RestoreRefused(
                "This database is at older migrations than the backup ("
                + ", ".join(sorted(behind))
                + "): update Haven and run migrate first."
            )
        # History is restored from the archive, not written anew by the restore itself.
        with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
            # Data migrations and post_migrate fill reference tables (rules, templates, roles);
            # the backup holds their current state, so empty them and load the backup's.
            for model in reversed(list(_models_backed_up())):
                model._default_manager.all().delete()
            management.call_command("loaddata", str(data_path), verbosity=0)
        for name, setting in FILE_FOLDERS:
            folder = Path(tmp) / name
            root = Path(getattr(settings, setting))
            for path in _files_under(folder):
                dest = root / path.relative_to(folder)
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(path.read_bytes())
    got = row_counts()
    mismatched = {k: (v, got.get(k)) for k, v in manifest["rows"].items() if got.get(k) != v}
    if mismatched:
        raise RestoreRefused(f"Row counts differ after restore: {mismatched}")
    return manifest
