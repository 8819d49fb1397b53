"""Letters per second through Haven's pipeline against plain WeasyPrint on the same HTML.

    .venv/bin/python benchmarks/letters.py [LETTERS] [ROUNDS]

Builds an issued urgent action with LETTERS recipients (default 40) in a throw-away SQLite
database, then times
  pipeline: advocacy.services.letters_generate (sandboxed template, consent scan, hash, PDF,
            file and database writes, progress), every letter out of date, one language;
  plain:    weasyprint.HTML(string=html).write_pdf() over the very same HTML strings,
in ROUNDS interleaved rounds (default 5). The figure is pipeline / plain letters per second,
the median over rounds (target >= 0.9).
"""

from __future__ import annotations

import os
import statistics
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


def main(n: int, rounds: int = 5) -> None:
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
    batch = services.letters_generate(ua=ua)
    assert batch.generated == n, batch.generated

    # The same HTML, rendered by the pipeline's own function (not timed).
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

    # Interleaved rounds, so that load from other processes falls on both sides alike; the
    # figure is the median of the rounds' ratios.
    pipeline = plain = 0.0
    ratios = []
    for _round in range(rounds):
        Letter.objects.update(content_hash="")  # every letter out of date: all re-rendered
        started = time.perf_counter()
        batch = services.letters_generate(ua=ua)
        p_time = time.perf_counter() - started
        assert batch.generated == n, batch.generated
        started = time.perf_counter()
        for html in htmls:
            HTML(string=html).write_pdf()
        w_time = time.perf_counter() - started
        pipeline, plain = pipeline + p_time, plain + w_time
        ratios.append(w_time / p_time)

    rerun_started = time.perf_counter()
    rerun = services.letters_generate(ua=ua)
    rerun_time = time.perf_counter() - rerun_started
    assert rerun.generated == 0 and Letter.objects.count() == n

    total = n * rounds
    print(f"letters:          {n} x {rounds} rounds")
    print(f"pipeline:         {total / pipeline:7.2f} letters/s ({pipeline:.2f} s)")
    print(f"plain WeasyPrint: {total / plain:7.2f} letters/s ({plain:.2f} s)")
    print(f"ratio (median):   {statistics.median(ratios):7.3f}  (target >= 0.9)")
    print(
        f"ratio (overall):  {plain / pipeline:7.3f}; rounds: {', '.join(f'{r:.2f}' for r in ratios)}"
    )
    print(f"re-run (all current, nothing rendered): {rerun_time:.2f} s")


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 40,
        int(sys.argv[2]) if len(sys.argv) > 2 else 5,
    )
