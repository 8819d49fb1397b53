"""Days off moved by decree in 2026 that the pinned `holidays` (0.109) does not know.

Checked day by day for KZ, KG, UZ, RU and TJ, 2025 and 2026 (docs/research/rules-sources.md,
"Calendars"): Russia and Uzbekistan are complete in the package; Kazakhstan's 31 August 2026
is a working day (the package is right: Constitution Day moved to 15 March with the
Constitution adopted on 15 March 2026, observed from 2027); Kyrgyzstan lacks the two days the
Cabinet added to the New Year holidays; Tajikistan's package models no transfer and no
"observed" day at all.

Frozen here, as the rules are: an admin's later change to a row is never overwritten (existing
rows for the same calendar and day are left alone), and removing the migration removes only
the rows it added with its own notes.
"""

from django.db import migrations

KG_2026_NY = (
    "Cabinet of Ministers of the Kyrgyz Republic, resolution of December 2025 on extending the "
    "New Year holidays: 8 and 9 January 2026 days off for state and municipal bodies and "
    "budget-funded organisations (courts included), in force 1 January 2026; no working day "
    "in return (24.kg, December 2025)"
)
TJ_OBSERVED = (
    'Law of the Republic of Tajikistan "On holidays": a holiday on Saturday or Sunday moves the '
    "day off to the next working day (as the Federation of Trade Unions explains it, "
    "asiaplustj.info 26.02.2015)"
)
TJ_2026_DECREE = (
    "Government of the Republic of Tajikistan, decree on the transfer of days off in 2026 "
    "(caravan-info.pro 27.12.2025; sputnik.tj 27.02.2026; total of 116 days off in 2026: "
    "tj.sputniknews.ru 09.12.2025)"
)

ADJUSTMENTS = [
    # Kyrgyzstan
    ("KG", "2026-01-08", "holiday", KG_2026_NY),
    ("KG", "2026-01-09", "holiday", KG_2026_NY),
    # Tajikistan: the New Year transfer (Friday 2 January off, Saturday 10 January worked)
    ("TJ", "2026-01-02", "holiday", TJ_2026_DECREE + ": Friday 2 January a day off"),
    ("TJ", "2026-01-10", "working_day", TJ_2026_DECREE + ": Saturday 10 January a working day"),
    # Mother's Day, Sunday 8 March
    ("TJ", "2026-03-09", "holiday", TJ_OBSERVED + ": 8 March 2026 is a Sunday"),
    # Navruz 21-24 March: Saturday 21 and Sunday 22 move to 25 and 26 March; Friday 27 March
    # is off in exchange for Saturday 14 March (20-29 March off in all)
    ("TJ", "2026-03-25", "holiday", TJ_OBSERVED + ": Navruz 21 March 2026 is a Saturday"),
    ("TJ", "2026-03-26", "holiday", TJ_OBSERVED + ": Navruz 22 March 2026 is a Sunday"),
    ("TJ", "2026-03-27", "holiday", TJ_2026_DECREE + ": Friday 27 March a day off"),
    ("TJ", "2026-03-14", "working_day", TJ_2026_DECREE + ": Saturday 14 March a working day"),
    # Victory Day, Saturday 9 May; National Unity Day, Saturday 27 June
    ("TJ", "2026-05-11", "holiday", TJ_OBSERVED + ": 9 May 2026 is a Saturday"),
    ("TJ", "2026-06-29", "holiday", TJ_OBSERVED + ": 27 June 2026 is a Saturday"),
    # 2025: Mother's Day Saturday 8 March; Navruz 22-23 March on the weekend
    ("TJ", "2025-03-10", "holiday", TJ_OBSERVED + ": 8 March 2025 is a Saturday"),
    ("TJ", "2025-03-25", "holiday", TJ_OBSERVED + ": Navruz 22 March 2025 is a Saturday"),
    ("TJ", "2025-03-26", "holiday", TJ_OBSERVED + ": Navruz 23 March 2025 is a Sunday"),
]


def forwards(apps, schema_editor):
    CalendarAdjustment = apps.get_model("engine", "CalendarAdjustment")
    for calendar, day, kind, note in ADJUSTMENTS:
        CalendarAdjustment.objects.get_or_create(
            calendar=calendar, day=day, defaults={"kind": kind, "note": note[:300]}
        )


def backwards(apps, schema_editor):
    CalendarAdjustment = apps.get_model("engine", "CalendarAdjustment")
    for calendar, day, _kind, note in ADJUSTMENTS:
        CalendarAdjustment.objects.filter(calendar=calendar, day=day, note=note[:300]).delete()


class Migration(migrations.Migration):
    dependencies = [("engine", "0162_rule_gaps")]
    operations = [migrations.RunPython(forwards, backwards)]
