"""Load the demo scenario of fixtures/demo.yaml: persons, groups, facts and one user per role.

Idempotent: every row gets a fixed id derived from its key in the file (uuid5), an existing
row is saved only when a value differs, so a second run writes nothing, not even history.
Facts removed from the file are not deleted from the database.

Other apps add their own demo data without editing this command: if `advocacy.demo` or
`engine.demo` exists, its `load(stdout=...)` is called after the case record is in place, in
that order, since the engine's recompute reads both (and each must be idempotent too). Tasks that the saves enqueue through other apps' on-commit
hooks (the engine's recomputes) run in this process while the demo loads.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import secrets
import uuid
from collections import Counter
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group as AuthGroup
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction

from casework import models as m

DEFAULT_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo.yaml"
LOGINS_FILENAME = "demo-logins.txt"
# The engine reads casework and advocacy, so its loader (which recomputes) goes last.
OPTIONAL_LOADERS = ("advocacy.demo", "documents.demo", "engine.demo")
# A fixed namespace: the same key gives the same id on every machine and every run.
DEMO_NAMESPACE = uuid.UUID("6f1c3a52-2b7e-4f0e-9a43-1d5e8c7b9a10")
USER_FIELDS = {"assigned_caseworker", "assigned_lawyer", "lawyer", "recorded_by"}
FACT_LISTS = {
    "detentions": m.Detention,
    "welfare_checks": m.WelfareCheck,
    "extradition_requests": m.ExtraditionRequest,
    "asylum_claims": m.AsylumClaim,
    "appeals": m.Appeal,
    "interim_measures": m.InterimMeasure,
}
# Appeal targets, as written in the file ("extradition_requests/uz") -> Appeal field.
APPEAL_TARGETS = {
    "extradition_requests": "extradition_request",
    "asylum_claims": "asylum_claim",
    "detentions": "detention",
    "appeals": "lower_appeal",
}


def demo_id(*parts: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, "/".join(parts))


def logins_path() -> Path:
    return Path(settings.VAR_DIR) / LOGINS_FILENAME


def read_logins(path: Path) -> dict[str, tuple[str, str]]:
    """username -> (role, password) from the logins file; empty if there is none."""
    logins = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) >= 3 and not line.startswith("#"):
                role, username, password = parts[:3]
                logins[username] = (role, password)
    return logins


def write_logins(
    path: Path, logins: dict[str, tuple[str, str]], secrets_by_user: dict[str, str] | None = None
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    secrets_by_user = secrets_by_user or {}
    lines = [
        "# Haven demo logins: role, username, password, TOTP secret. "
        "Local only: never commit this file."
    ]
    lines += [
        f"{role}\t{username}\t{password}\t{secrets_by_user.get(username, '')}"
        for username, (role, password) in logins.items()
    ]
    text = "\n".join(lines) + "\n"
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return
    # Created private: these are working passwords, one of them a superuser's.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


@contextmanager
def run_tasks_here():
    """Run the tasks that saving the demo enqueues (other apps' on-commit hooks) in this
    process instead of queueing them: a first load would otherwise leave a backlog of
    hundreds of tasks in front of everything else the worker is asked to do."""
    from celery import current_app

    trace_log = logging.getLogger("celery.app.trace")  # one "succeeded" line per task
    before, level = current_app.conf.task_always_eager, trace_log.level
    current_app.conf.task_always_eager = True
    trace_log.setLevel(logging.WARNING)
    try:
        yield
    finally:
        current_app.conf.task_always_eager = before
        trace_log.setLevel(level)


def _aware(value):
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


class DemoLoader:
    def __init__(self, data: dict):
        self.data = data
        self.tally: Counter[str] = Counter()
        self.users: dict[str, models.Model] = {}
        self.facilities: dict[str, m.Facility] = {}
        self.groups: dict[str, m.Group] = {}
        self.persons: dict[str, m.Person] = {}

    # --- the one write primitive -------------------------------------------------------------

    def upsert(self, model: type[models.Model], pk, fields: dict) -> models.Model:
        """Create the row with this id, or update only the fields whose values differ."""
        obj = model._default_manager.filter(pk=pk).first()
        if obj is None:
            obj = model(pk=pk, **fields)
            obj._change_reason = "demo data"
            obj.save()
            self.tally["created"] += 1
            return obj
        changed = False
        for name, value in fields.items():
            field = model._meta.get_field(name)
            if field.is_relation:
                current, wanted = getattr(obj, field.attname), getattr(value, "pk", value)
            else:
                current, wanted = getattr(obj, name), value
            if current != wanted:
                setattr(obj, name, value)
                changed = True
        if changed:
            obj._change_reason = "demo data"
            obj.save()
            self.tally["updated"] += 1
        else:
            self.tally["unchanged"] += 1
        return obj

    def resolve_users(self, fields: dict) -> dict:
        return {
            name: (self.users[value] if name in USER_FIELDS and value else value)
            for name, value in fields.items()
        }

    # --- sections ----------------------------------------------------------------------------

    def load(self, passwords: dict[str, str]) -> None:
        self.load_users(passwords)
        for key, spec in self.data.get("facilities", {}).items():
            self.facilities[key] = self.upsert(m.Facility, demo_id("facility", key), spec)
        for key, spec in self.data.get("groups", {}).items():
            fields = {k: v for k, v in spec.items() if k != "added_on"}
            self.groups[key] = self.upsert(m.Group, demo_id("group", key), fields)
        for spec in self.data.get("group_events", []):
            fields = {k: v for k, v in spec.items() if k != "key"}
            fields["group"] = self.groups[fields["group"]]
            if fields.get("facility"):
                fields["facility"] = self.facilities[fields["facility"]]
            fields.setdefault("recorded_by", "caseworker")
            self.upsert(
                m.GroupEvent, demo_id("groupevent", spec["key"]), self.resolve_users(fields)
            )
        for spec in self.data.get("persons", []):
            self.load_person(spec)
        for spec in self.data.get("relationships", []):
            fields = {
                "person": self.persons[spec["person"]],
                "relative": self.persons[spec["relative"]],
                "kind": spec["kind"],
                "notes": spec.get("notes", ""),
            }
            pk = demo_id("relationship", spec["person"], spec["kind"], spec["relative"])
            self.upsert(m.Relationship, pk, fields)

    def load_users(self, passwords: dict[str, str]) -> None:
        user_model = get_user_model()
        for spec in self.data.get("users", []):
            username = spec["username"]
            fields = {
                "username": username,
                "first_name": spec.get("first_name", ""),
                "last_name": spec.get("last_name", ""),
                "email": f"{username}@example.org",
                "is_staff": spec.get("is_staff", False),
                "is_superuser": spec.get("is_superuser", False),
                "is_active": True,
            }
            user = user_model._default_manager.filter(username=username).first()
            if user is None:
                user = user_model(**fields)
                user.set_password(passwords[username])
                user.save()
                self.tally["created"] += 1
            else:
                changed = [k for k, v in fields.items() if getattr(user, k) != v]
                for k in changed:
                    setattr(user, k, fields[k])
                # check_password first: set_password salts anew, which would change the row.
                if not user.check_password(passwords[username]):
                    user.set_password(passwords[username])
                    changed.append("password")
                if changed:
                    user.save()
                    self.tally["updated"] += 1
                else:
                    self.tally["unchanged"] += 1
            role_group, _ = AuthGroup.objects.get_or_create(name=spec["role"])
            if not user.groups.filter(pk=role_group.pk).exists():
                user.groups.add(role_group)
            self.users[username] = user

    def load_person(self, spec: dict) -> None:
        key = spec["key"]
        fields = dict(self.data.get("person_defaults", {}))
        person_fields = {f.name for f in m.Person._meta.concrete_fields}
        fields.update({k: v for k, v in spec.items() if k in person_fields})
        born = spec.get("born")
        if isinstance(born, int):
            fields["born_on"], fields["born_on_precision"] = date(born, 1, 1), "year"
        elif isinstance(born, date):
            fields["born_on"], fields["born_on_precision"] = born, "day"
        if not fields.get("description"):
            noun = "woman" if fields.get("sex") == "female" else "man"
            fields["description"] = f"an ethnic {fields.get('ethnicity', 'Uzbek')} {noun}"
        person = self.upsert(m.Person, demo_id("person", key), self.resolve_users(fields))
        self.persons[key] = person

        seen: set[str] = set()
        for script in ("latin", "cyrillic", "uzbek_latin"):
            for full_name in (spec.get("names") or {}).get(script, []):
                if full_name in seen:  # one row per spelling (unique per person)
                    continue
                self.upsert(
                    m.PersonName,
                    demo_id("person", key, "name", full_name),
                    {
                        "person": person,
                        "full_name": full_name,
                        "script": script,
                        "is_primary": not seen,
                    },
                )
                seen.add(full_name)

        for group_key in spec.get("groups", []):
            group = self.groups[group_key]
            added_on = self.data["groups"][group_key].get("added_on", date(2000, 1, 1))
            self.upsert(
                m.GroupMembership,
                demo_id("membership", group_key, key),
                {"group": group, "person": person, "added_on": added_on},
            )

        facts = self.merged_facts(spec)
        made: dict[str, dict[str, models.Model]] = {kind: {} for kind in FACT_LISTS}
        # Order matters: appeals and welfare checks point at facts made before them.
        for kind in (
            "detentions",
            "extradition_requests",
            "asylum_claims",
            "appeals",
            "interim_measures",
            "welfare_checks",
        ):
            for fact_key, fact in facts.get(kind, {}).items():
                made[kind][fact_key] = self.load_fact(person, key, kind, fact_key, fact, made)
        if facts.get("return"):
            self.load_return(person, key, facts["return"])

    def merged_facts(self, spec: dict) -> dict:
        """The person's stories, in order, then the person's own facts. A fact with the same
        kind and key replaces the earlier one; an explicitly empty list removes that kind."""
        merged: dict = {}
        stories = self.data.get("stories", {})
        for source in [stories[name] for name in spec.get("stories", [])] + [spec]:
            for kind in FACT_LISTS:
                if kind not in source:
                    continue
                if not source[kind]:
                    merged[kind] = {}
                for fact in source[kind]:
                    merged.setdefault(kind, {})[fact["key"]] = fact
            if "return" in source:
                merged["return"] = source["return"]
        return merged

    def load_fact(self, person, person_key, kind, fact_key, fact, made) -> models.Model:
        model = FACT_LISTS[kind]
        fields = {k: v for k, v in fact.items() if k not in {"key", "against", "reaffirmed_on"}}
        fields["person"] = person
        if fields.get("facility"):
            fields["facility"] = self.facilities[fields["facility"]]
        if kind == "appeals":
            target_kind, target_key = fact["against"].split("/")
            fields[APPEAL_TARGETS[target_kind]] = made[target_kind][target_key]
        if kind == "welfare_checks":
            fields["observed_at"] = _aware(fields["observed_at"])
            fields.setdefault("recorded_by", "caseworker")
            if "detention" in fields:
                fields["detention"] = made["detentions"][fields["detention"]]
            else:
                # The detention the person was in when observed, if any.
                seen_on = fields["observed_at"].date()
                fields["detention"] = next(
                    (
                        d
                        for d in made["detentions"].values()
                        if d.started_on <= seen_on and (d.ended_on is None or d.ended_on >= seen_on)
                    ),
                    None,
                )
        obj = self.upsert(
            model, demo_id("person", person_key, kind, fact_key), self.resolve_users(fields)
        )
        for day in fact.get("reaffirmed_on", []):
            self.upsert(
                m.Reaffirmation,
                demo_id("person", person_key, kind, fact_key, "reaffirmed", day.isoformat()),
                {"measure": obj, "reaffirmed_on": day},
            )
        return obj

    def load_return(self, person, person_key, spec: dict) -> None:
        fields = {k: v for k, v in spec.items() if k != "reports"}
        fields["person"] = person
        record = self.upsert(m.Return, demo_id("person", person_key, "return"), fields)
        for report in spec.get("reports", []):
            report_fields = {k: v for k, v in report.items() if k != "key"}
            report_fields["return_record"] = record
            self.upsert(
                m.PostReturnReport,
                demo_id("person", person_key, "return", report["key"]),
                report_fields,
            )


class Command(BaseCommand):
    help = "Load the demo scenario (fixtures/demo.yaml) and one demo user per role. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DEFAULT_FILE), help="the scenario file")
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="load even under production settings (creates a superuser with a known password)",
        )

    def handle(self, *args, file: str, allow_production: bool, **options):
        # Under override_settings SETTINGS_MODULE is None: fall back to the environment.
        module = settings.SETTINGS_MODULE or os.environ.get("DJANGO_SETTINGS_MODULE", "")
        if module.endswith(".production") and not allow_production:
            raise CommandError(
                "Refusing to load demo users into a production database; "
                "pass --allow-production if this is really a demo server."
            )
        data = yaml.safe_load(Path(file).read_text(encoding="utf-8"))

        path = logins_path()
        stored = read_logins(path)
        from_env = os.environ.get("HAVEN_DEMO_PASSWORD", "")
        logins = {}
        for spec in data.get("users", []):
            username = spec["username"]
            password = from_env or stored.get(username, ("", ""))[1] or secrets.token_urlsafe(12)
            logins[username] = (spec["role"], password)

        loader = DemoLoader(data)
        with run_tasks_here():
            with transaction.atomic():
                loader.load({username: password for username, (_, password) in logins.items()})
            # Every staff account needs a second factor: enrol the demo users in TOTP so the
            # printed logins work (`manage.py demo_code USER` prints the current code).
            from accounts.services import demo_totp_enrol

            totp = {name: demo_totp_enrol(user) for name, user in loader.users.items()}
            write_logins(path, logins, totp)
            self.report(loader, path)
            for module_name in OPTIONAL_LOADERS:
                try:
                    spec = importlib.util.find_spec(module_name)
                except ModuleNotFoundError:
                    spec = None
                if spec is not None:
                    importlib.import_module(module_name).load(stdout=self.stdout)

    def report(self, loader: DemoLoader, path: Path) -> None:

        tally = loader.tally
        self.stdout.write(
            f"Demo data: {len(loader.persons)} persons, {len(loader.groups)} groups, "
            f"{len(loader.users)} users ({tally['created']} rows created, "
            f"{tally['updated']} updated, {tally['unchanged']} unchanged)."
        )
        self.stdout.write(f"Demo logins: {path}")
