"""Letters per second through Haven's pipeline against plain WeasyPrint on the same HTML.

    DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python benchmarks/letters.py [N]

Builds an issued urgent action with N recipients (default 60) in a throw-away SQLite
database, then times
  pipeline: advocacy.services.letters_generate (sandboxed template, consent scan, hash, PDF,
            file and database writes, progress updates), N letters in one language;
  plain:    weasyprint.HTML(string=html).write_pdf() over the very same HTML strings.
The figure is pipeline / plain letters per second (target >= 0.9).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="haven-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP / 'bench.sqlite3'}"
os.environ["HAVEN_MEDIA_ROOT"] = str(TMP / "media")
# Keep the embedded broker (tasks other apps enqueue on commit) inside the throw-away folder.
os.environ["HAVEN_VAR_DIR"] = str(TMP)
for sub in ("broker/out", "broker/processed"):
    (TMP / sub).mkdir(parents=True, exist_ok=True)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402


def main(n: int) -> None:
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group as AuthGroup

    from advocacy import demo, letters, services
    from advocacy.models import Authority, Letter, LetterTemplate, UrgentActionRecipient
    from casework.models import Person, PersonName

    # English only, so that N recipients make N letters.
    LetterTemplate.objects.exclude(language="en").update(is_active=False)
    user = get_user_model().objects.create(username="bench")
    user.groups.add(AuthGroup.objects.get_or_create(name="coordinator")[0])
    persons = []
    for i in range(8):
        p = Person.objects.create(description="an ethnic Uzbek man")
        PersonName.objects.create(person=p, full_name=f"Benchmark Personov{i}", is_primary=True)
        persons.append(p)
    root = demo.load()
    ua = services.urgent_action_draft(by=user, persons=persons, update_of=root)
    ua.summary = "Eight ethnic Uzbek men are at risk of forcible return."
    ua.asks = ["Urging the authorities not to return them;", "Reminding them of CAT Art. 3;"]
    ua.save()
    UrgentActionRecipient.objects.bulk_create(
        [
            UrgentActionRecipient(
                urgent_action=ua,
                authority=Authority.objects.create(
                    country="KZ", title=f"Official {i}", name=f"Mr Official {i}",
                    address="Street 1\nAstana 010000", salutation="Dear Sir", rank=100 + i,
                ),
                role="copy",
                position=10 + i,
            )
            for i in range(n - ua.recipients.count())
        ]
    )  # fmt: skip
    services.urgent_action_submit_for_review(ua=ua, by=user)
    ua = services.urgent_action_issue(
        ua=ua, by=user, issued_on=date(2011, 6, 10), send_before=date(2011, 7, 22)
    )
    # Warm up fonts and imports once for both sides.
    letters.html_to_pdf("<p>warm up</p>")

    started = time.perf_counter()
    batch = services.letters_generate(ua=ua)
    pipeline = time.perf_counter() - started
    assert batch.generated == n, batch.generated

    # The same HTML, rendered again by the pipeline's own function (not timed).
    doc = letters.public_document(ua)
    persons_all = letters.persons_in_scope(ua)
    scanner = letters.NameScanner(persons_all)
    template = LetterTemplate.objects.get(language="en", name="appeal")
    compiled = (letters.compile_template(template.subject), letters.compile_template(template.body))
    htmls = [
        letters.render_letter(
            doc, r.authority, "en", *compiled, persons=persons_all, scanner=scanner
        ).html
        for r in ua.recipients.select_related("authority").order_by("role", "position")
    ]
    from weasyprint import HTML

    started = time.perf_counter()
    for html in htmls:
        HTML(string=html).write_pdf()
    plain = time.perf_counter() - started

    rerun_started = time.perf_counter()
    rerun = services.letters_generate(ua=ua)
    rerun_time = time.perf_counter() - rerun_started
    assert rerun.generated == 0 and Letter.objects.count() == n

    print(f"letters:          {n}")
    print(f"pipeline:         {n / pipeline:7.2f} letters/s ({pipeline:.2f} s)")
    print(f"plain WeasyPrint: {n / plain:7.2f} letters/s ({plain:.2f} s)")
    print(f"ratio:            {plain / pipeline:7.3f}  (target >= 0.9)")
    print(f"re-run (all current, nothing rendered): {rerun_time:.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 60)
