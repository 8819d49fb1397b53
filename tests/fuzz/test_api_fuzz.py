"""A short schemathesis pass over the whole API as each role: no 500, no response that breaks
its schema, no row written by a request that failed. The long pass: benchmarks/fuzz_api.py."""

from __future__ import annotations

import os

import pytest

from tests.factories import (
    AppealFactory,
    AsylumClaimFactory,
    DetentionFactory,
    PersonFactory,
    UserFactory,
)

from .schema_fuzz import format_report, load_schema, run

pytestmark = [pytest.mark.django_db]

# Examples per operation and role: ~160 operations x 4 roles x 2 is about a minute on two
# cores; benchmarks/fuzz_api.py sets more.
EXAMPLES = int(os.environ.get("HAVEN_FUZZ_EXAMPLES", 2))

# (operation, check) found by this pass in others' code and reported with a reproduction
# (issue 10's note); each says why it is still here. None of them is a 500 or a write.
KNOWN: set[tuple[str, str]] = set()  # none left: the two schema mismatches it found are fixed


@pytest.fixture
def some_case_record(admin_user):
    person = PersonFactory()
    DetentionFactory(person=person)
    AsylumClaimFactory(person=person)
    AppealFactory(person=person)
    return person


@pytest.mark.parametrize("role", ["caseworker", "lawyer", "coordinator", "admin"])
def test_no_request_breaks_the_api(role, some_case_record, admin_user):
    from .schema_fuzz import existing_ids, session_cookies

    schema = load_schema()
    ids = existing_ids(schema, session_cookies(admin_user))
    user = admin_user if role == "admin" else UserFactory(username=f"fz-{role}", roles=[role])
    report = run(schema=schema, user=user, role=role, examples=EXAMPLES, ids=ids, known=KNOWN)
    print(format_report(report))
    new = [f for f in report.findings if (f.operation, f.check) not in KNOWN]
    assert report.requests > report.operations  # the pass did run
    assert not new, format_report(report)
