"""Building upload files for the import tests (all names invented)."""

import csv
import io

from openpyxl import Workbook

from casework.import_models import ImportMapping

COLUMNS = {
    "full_name": "Name",
    "born": "Born",
    "unhcr_number": "UNHCR",
    "citizenship": "Citizenship",
}


def csv_bytes(rows, header=("Name", "Born", "UNHCR", "Citizenship"), encoding="utf-8"):
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


def xlsx_bytes(rows, header=("Name", "Born", "UNHCR", "Citizenship")):
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def mapping(name="partner-a", columns=None):
    found, _created = ImportMapping.objects.get_or_create(
        name=name, defaults={"partner": "Partner A", "columns": columns or COLUMNS}
    )
    return found
