"""The whole API's OpenAPI schema generates and validates with no warning: an endpoint the
generator cannot describe is also one the access matrix (tests/accounts) cannot discover."""

from django.core.management import call_command


def test_the_whole_api_schema_validates_without_warnings(tmp_path, db):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for path in ("/api/persons/", "/api/engine/deadlines/", "/api/engine/board/",
                 "/api/advocacy/urgent-actions/", "/imports/api/batches/"):  # fmt: skip
        assert path in text
