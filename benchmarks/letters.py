"""Letters per second through Haven's pipeline against plain WeasyPrint on the same HTML.

    .venv/bin/python benchmarks/letters.py [LETTERS] [ROUNDS]

Builds an issued urgent action with LETTERS recipients (default 40) in a throw-away SQLite
database, then times
  pipeline: advocacy.services.letters_generate (sandboxed template, consent scan, hash, PDF,
            file and database writes, progress), every letter out of date, one language;
  plain:    WeasyPrint alone over the very same HTML strings, called as the pipeline calls it
            (letters.html_to_pdf: same options, one font configuration per batch),
in ROUNDS interleaved rounds (default 10), the side that goes first alternating. The figure is
pipeline / plain letters per second, the median of the rounds' ratios (target >= 0.9).

Wall-clock time is what a coordinator waits for, but on a shared machine it swings with other
processes' load, so the CPU time of both sides (time.process_time: Haven, WeasyPrint and the
in-process SQLite) is printed too, its ratio over the fastest rounds, and Haven's own work per
letter as the difference.
"""

from __future__ import annotations

import atexit
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="haven-bench-"))
atexit.register(shutil.rmtree, TMP, ignore_errors=True)  # the database, PDFs and broker files
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


def build(n: int):
    """An issued update of the demo's UA 129/10 with `n` English letters to write."""
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group as AuthGroup

    from advocacy import demo, services
    from advocacy.models import Authority, LetterTemplate, UrgentActionRecipient
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
    return services.urgent_action_issue(
        ua=ua, by=user, issued_on=date(2011, 6, 10), send_before=date(2011, 7, 22)
    )


def letter_htmls(ua) -> list[str]:
    """The HTML of every letter, rendered by the pipeline's own function (not timed)."""
    from advocacy import letters
    from advocacy.models import LetterTemplate

    doc = letters.public_document(ua)
    persons = letters.persons_in_scope(ua)
    scanner = letters.NameScanner(persons)
    template = LetterTemplate.objects.get(language="en", name="appeal")
    compiled = (letters.compile_template(template.subject), letters.compile_template(template.body))
    return [
        letters.render_letter(
            doc, r.authority, "en", *compiled, persons=persons, scanner=scanner
        ).html
        for r in ua.recipients.select_related("authority").order_by("role", "position")
    ]


def main(n: int, rounds: int = 10) -> None:
    from advocacy import letters, services
    from advocacy.models import Letter

    ua = build(n)
    # Warm up fonts and imports once for both sides.
    letters.html_to_pdf("<p>warm up</p>")
    batch = services.letters_generate(ua=ua)
    assert batch.generated == n, batch.generated
    htmls = letter_htmls(ua)

    def pipeline() -> None:
        batch = services.letters_generate(ua=ua)
        assert batch.generated == n, batch.generated

    def plain() -> None:
        # What the pipeline gives WeasyPrint, and nothing else: a fresh font configuration
        # for the batch, shared by its letters.
        font_config = letters.font_configuration()
        for html in htmls:
            letters.html_to_pdf(html, font_config=font_config)

    def timed(run) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        return time.perf_counter() - wall, time.process_time() - cpu

    # Interleaved rounds, so that load from other processes falls on both sides alike, and the
    # side that goes first alternates, so that neither always inherits the other's warm caches.
    walls = {"pipeline": [], "plain": []}
    cpus = {"pipeline": [], "plain": []}
    for round_ in range(rounds):
        order = [("pipeline", pipeline), ("plain", plain)]
        for name, run in order if round_ % 2 == 0 else order[::-1]:
            Letter.objects.update(content_hash="")  # every letter out of date: all re-rendered
            wall, cpu = timed(run)
            walls[name].append(wall)
            cpus[name].append(cpu)
    ratios = [w / p for p, w in zip(walls["pipeline"], walls["plain"], strict=True)]

    rerun_started = time.perf_counter()
    rerun = services.letters_generate(ua=ua)
    rerun_time = time.perf_counter() - rerun_started
    assert rerun.generated == 0 and Letter.objects.count() == n

    total = n * rounds
    p_wall, w_wall = sum(walls["pipeline"]), sum(walls["plain"])
    p_cpu, w_cpu = sum(cpus["pipeline"]), sum(cpus["plain"])
    print(f"letters:          {n} x {rounds} rounds")
    print(f"pipeline:         {total / p_wall:7.2f} letters/s ({p_wall:.2f} s, CPU {p_cpu:.2f} s)")
    print(f"plain WeasyPrint: {total / w_wall:7.2f} letters/s ({w_wall:.2f} s, CPU {w_cpu:.2f} s)")
    print(f"ratio (median):   {statistics.median(ratios):7.3f}  (target >= 0.9)")
    print(
        f"ratio (overall):  {w_wall / p_wall:7.3f}; rounds: {', '.join(f'{r:.2f}' for r in ratios)}"
    )
    # Another process's load only ever adds to a round's time, so each side's fastest round
    # is its least disturbed one.
    print(
        f"ratio (CPU):      {w_cpu / p_cpu:7.3f}; of the fastest rounds: "
        f"{min(cpus['plain']) / min(cpus['pipeline']):.3f}"
    )
    own = statistics.median(p - w for p, w in zip(cpus["pipeline"], cpus["plain"], strict=True))
    print(
        f"per letter (CPU): pipeline {1000 * p_cpu / total:.1f} ms, WeasyPrint "
        f"{1000 * w_cpu / total:.1f} ms, Haven's own work {1000 * own / n:.1f} ms (median round)"
    )
    print(f"re-run (all current, nothing rendered): {rerun_time:.2f} s")


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 40,
        int(sys.argv[2]) if len(sys.argv) > 2 else 10,
    )
