"""Ship the English and Russian appeal letters. Kazakh is not shipped: nobody on the team can
yet write it correctly, and a wrong letter to an official is worse than none (an admin can add
one in the admin when a reviewed translation exists)."""

from django.db import migrations

EN_SUBJECT = "{% if reference %}Urgent action {{ reference }}: {% endif %}{{ title }}"
EN_BODY = """{{ recipient.salutation }},

I am writing to you{% if reference %} about urgent action {{ reference }}{% endif %}: {{ title }}.

{{ summary }}

I respectfully urge you:

{% for ask in asks %}- {{ ask }}
{% endfor %}
I look forward to your reply.

Yours sincerely,
"""

RU_SUBJECT = "Обращение{% if reference %} по экстренной акции {{ reference }}{% endif %}"
RU_BODY = """{{ recipient.salutation }}

Обращаюсь к Вам в связи с положением людей, о которых идёт речь в экстренной акции{% if reference %} {{ reference }}{% endif %}.{% if persons %}

{{ persons }}{% endif %}

Я глубоко обеспокоен(а) тем, что им грозит принудительное возвращение в страну, где им реально угрожают пытки и другие виды жестокого обращения.

Настоятельно призываю Вас:

{% for ask in asks %}— {{ ask }}
{% endfor %}
Надеюсь на Ваш ответ.

С уважением,
"""

TEMPLATES = [("en", EN_SUBJECT, EN_BODY), ("ru", RU_SUBJECT, RU_BODY)]


def ship(apps, schema_editor):
    LetterTemplate = apps.get_model("advocacy", "LetterTemplate")
    for language, subject, body in TEMPLATES:
        LetterTemplate.objects.get_or_create(
            language=language, name="appeal", defaults={"subject": subject, "body": body}
        )


def unship(apps, schema_editor):
    apps.get_model("advocacy", "LetterTemplate").objects.filter(name="appeal").delete()


class Migration(migrations.Migration):
    dependencies = [("advocacy", "0001_initial")]
    operations = [migrations.RunPython(ship, unship)]
