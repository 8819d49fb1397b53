from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.template import loader
from django.views.decorators.http import require_GET


@require_GET
def health(request):
    """Public liveness probe: says whether the database answers, and nothing else."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def server_error(request):
    """A 500 page with no record content and no context: nothing of the failed request leaks."""
    return HttpResponseServerError(loader.get_template("500.html").render())
