"""Schemathesis against Haven's own OpenAPI schema, through the WSGI application, as a
logged-in member of staff. Shared by tests/fuzz (a short pass) and benchmarks/fuzz_api.py (a
long one).

For every operation, `examples` generated requests (valid and invalid bodies, queries and
path ids; half the path ids swapped for a row that exists, so updates meet real objects):
- no 500;
- no response that breaks its documented schema or content type;
- a request answered 4xx wrote nothing (row counts of every table before and after).
Failures are collected, not raised at the first, with the exact request to reproduce each.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, transaction
from django.middleware.csrf import _get_new_csrf_string
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable

# Tables a refused request may still touch: the session (a login refreshes it) and the
# audit of reads (a 4xx answer on a visible record may follow a logged read).
NOT_COUNTED = {"django_session"}


@dataclass
class Finding:
    role: str
    operation: str
    check: str
    status: int
    reproduce: str


@dataclass
class Report:
    role: str
    operations: int = 0
    requests: int = 0
    by_status: dict[int, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def add(self, finding: Finding) -> None:
        if not any(
            (f.operation, f.check) == (finding.operation, finding.check) for f in self.findings
        ):
            self.findings.append(finding)


def load_schema():
    import schemathesis
    from drf_spectacular.generators import SchemaGenerator

    raw = SchemaGenerator().get_schema(request=None, public=True)
    # Through JSON: the generator returns lazy translation strings and enums.
    import json

    from rest_framework.utils.encoders import JSONEncoder

    schema = schemathesis.openapi.from_dict(json.loads(json.dumps(raw, cls=JSONEncoder)))
    from config.wsgi import application

    schema.app = application
    return schema


def table_counts() -> dict[str, int]:
    """Every table's row count in one query."""
    tables = [t for t in connection.introspection.table_names() if t not in NOT_COUNTED]
    quoted = ", ".join(f'(SELECT count(*) FROM "{t}")' for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quoted}")
        return dict(zip(tables, cursor.fetchone(), strict=True))


def session_cookies(user) -> dict[str, str]:
    """A session exactly like a password + TOTP login's, and a CSRF token for unsafe methods."""
    from django.test import Client

    from accounts.testing import login_with_second_factor

    client = login_with_second_factor(Client(), user)
    return {"sessionid": client.cookies["sessionid"].value}


def existing_ids(schema, cookies) -> dict[str, list[str]]:
    """For each collection path, a few ids that exist (read as the admin: every row)."""
    from django.test import Client

    client = Client()
    for name, value in cookies.items():
        client.cookies[name] = value
    ids: dict[str, list[str]] = {}
    for path in schema.raw_schema["paths"]:
        if "{id}" not in path:
            continue
        collection = path.split("{id}")[0]
        if collection in ids:
            continue
        response = client.get(collection)
        body = response.json() if response.status_code == 200 else {}
        rows = body.get("results", []) if isinstance(body, dict) else body
        ids[collection] = [str(r["id"]) for r in rows[:3] if isinstance(r, dict) and "id" in r]
    return ids


def run(
    *, schema, user, role: str, examples: int, ids: dict, known: set[tuple[str, str]] = frozenset()
) -> Report:
    """Fuzz every operation of `schema` as `user`. `known`: (operation, check) pairs reported
    elsewhere and expected to fail; they are recorded, not counted as new findings."""
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
    )

    checks = [not_a_server_error, response_schema_conformance, content_type_conformance]
    cookies = session_cookies(user)
    token = _get_new_csrf_string()
    cookies["csrftoken"] = token
    headers = {"X-CSRFToken": token}
    report = Report(role=role)
    rng = random.Random(2011)
    counts = [table_counts()]  # after the previous request: one count query per request

    def fuzz_operation(operation, name: str, real: list[str]) -> None:
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def fuzz(case):
            if real and rng.random() < 0.5:
                case.path_parameters = {**(case.path_parameters or {}), "id": rng.choice(real)}
            before = counts[0]
            status = 0
            reproduce = case.as_curl_command(headers=headers)
            # A savepoint stands for the request's own transaction: a view that breaks the
            # transaction (a 500) must not take the following requests down with it.
            try:
                with transaction.atomic():
                    response = case.call(headers=headers, cookies=cookies)
                status = response.status_code
                report.requests += 1
                report.by_status[status] = report.by_status.get(status, 0) + 1
                case.validate_response(response, checks=checks, headers=headers)
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - FailureGroup too
                check = "not_a_server_error" if status >= 500 else _first_line(exc)
                report.add(Finding(role, name, check, status, reproduce))
            finally:
                counts[0] = table_counts()
            if 400 <= status < 500:
                after = counts[0]
                changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
                if changed:
                    report.add(Finding(role, name, f"4xx wrote rows: {changed}", status, reproduce))

        try:
            fuzz()
        except Unsatisfiable:
            pass

    # As Django's test client does: the test's connection (and its transaction) outlives
    # each request instead of being closed by the handler.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        for result in schema.get_all_operations():
            operation = result.ok()
            report.operations += 1
            path = operation.path
            real = ids.get(path.split("{id}")[0], []) if "{id}" in path else []
            fuzz_operation(operation, f"{operation.method.upper()} {path}", real)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    report.findings = [f for f in report.findings if (f.operation, f.check) not in known] + [
        f for f in report.findings if (f.operation, f.check) in known
    ]
    return report


def _first_line(exc: Exception) -> str:
    """The failure's title: for a schemathesis FailureGroup, each failure's own title."""
    failures = getattr(exc, "exceptions", None)
    if failures:
        return "; ".join(_first_line(f) for f in failures)
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    title = getattr(exc, "title", "") or (lines[0] if lines else "")
    detail = next((line for line in lines if line != title), "")
    return f"{type(exc).__name__}: {title}: {detail}"[:200]


def format_report(report: Report) -> str:
    lines = [
        f"{report.role}: {report.operations} operations, {report.requests} requests, "
        f"statuses {dict(sorted(report.by_status.items()))}, {len(report.findings)} findings"
    ]
    for f in report.findings:
        lines.append(f"  {f.operation} [{f.status}] {f.check}\n    {f.reproduce}")
    return "\n".join(lines)
