"""Find every route and every API endpoint, with a concrete URL for each, so that the
access tests cover what exists when they run (routes added later included)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from functools import cache

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, RoutePattern

DUMMY_UUID = str(uuid.UUID("00000000-0000-4000-8000-000000000000"))
# Tried in order for each path parameter until the URL resolves back to the same route.
CANDIDATES = ["json", DUMMY_UUID, "1", "x", "abc-def"]
CONVERTER_SAMPLES = {
    "int": "1",
    "uuid": DUMMY_UUID,
    "slug": "x",
    "str": "x",
    "path": "x",
    "drf_format_suffix": ".json",
}
_ROUTE_PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")
_REGEX_GROUP = re.compile(r"\((?:\?P<(?P<name>\w+)>|(?!\?))(?P<body>(?:[^()]|\([^()]*\))*)\)")


@dataclass(frozen=True)
class Route:
    path: str  # a concrete URL, e.g. /api/persons/00000000-.../
    view_name: str  # namespaced URL name, or the view's dotted path when unnamed
    lookup_str: str  # dotted path of the view
    pattern: str  # the pattern as written, for messages


class UnsampleableRoute(Exception):
    pass


def _sample_regex(regex: str) -> str:
    regex = regex.lstrip("^").rstrip("$")

    def group(match: re.Match) -> str:
        body = match["body"]
        options = [o for o in body.split("|") if re.fullmatch(r"[\w-]+", o)]
        for candidate in [*options, *CANDIDATES]:
            if re.fullmatch(body, candidate):
                return candidate
        raise UnsampleableRoute(regex)

    text = _REGEX_GROUP.sub(group, regex)
    text = text.replace("/?", "/").replace("\\", "")
    if re.search(r"[\[\]()*+?{}^$|]", text):
        raise UnsampleableRoute(regex)
    return text


def _sample_route(route: str) -> str:
    return _ROUTE_PARAM.sub(lambda m: CONVERTER_SAMPLES.get(m["conv"] or "str", "x"), route)


def _walk(patterns, prefix: str, namespace: str, written: str):
    for entry in patterns:
        piece = (
            _sample_route(str(entry.pattern))
            if isinstance(entry.pattern, RoutePattern)
            else _sample_regex(str(entry.pattern))
            if isinstance(entry.pattern, RegexPattern)
            else str(entry.pattern)
        )
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            yield from _walk(
                entry.url_patterns,
                prefix + piece,
                f"{namespace}:{ns}" if namespace and ns else ns or namespace,
                written + str(entry.pattern),
            )
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield prefix + piece, name or entry.lookup_str, entry, written + str(entry.pattern)


@cache
def all_routes() -> tuple[tuple[Route, ...], tuple[str, ...]]:
    """Every leaf route of the URLconf with a concrete URL that resolves back to it, and the
    patterns for which no such URL could be made (a test fails on those)."""
    routes, unsampled = [], []
    walker = _walk(get_resolver().url_patterns, "/", "", "")
    while True:
        try:
            path, name, entry, written = next(walker)
        except StopIteration:
            break
        except UnsampleableRoute as error:
            unsampled.append(str(error))
            continue
        try:
            match = resolve(path)
        except Resolver404:
            unsampled.append(written)
            continue
        if match.func != entry.callback and match.view_name != name:
            unsampled.append(written)
            continue
        routes.append(Route(path, name, entry.lookup_str, written))
    return tuple(routes), tuple(unsampled)


@dataclass(frozen=True)
class Endpoint:
    path: str  # concrete: path parameters replaced by DUMMY_UUID
    template: str  # as in the schema, e.g. /api/persons/{id}/
    method: str

    @property
    def has_parameters(self) -> bool:
        return "{" in self.template

    def view_class(self):
        return getattr(resolve(self.path).func, "cls", None)

    def model(self):
        queryset = getattr(self.view_class(), "queryset", None)
        return queryset.model if queryset is not None else None


@cache
def api_endpoints() -> tuple[Endpoint, ...]:
    """Every operation in the OpenAPI schema."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for template, operations in schema["paths"].items():
        concrete = re.sub(r"\{[^}]+\}", DUMMY_UUID, template)
        for method in operations:
            if method in {"get", "post", "put", "patch", "delete"}:
                found.append(Endpoint(concrete, template, method))
    return tuple(found)


def list_endpoints() -> list[Endpoint]:
    """GET endpoints without path parameters: lists, searches, counts, exports."""
    return [e for e in api_endpoints() if e.method == "get" and not e.has_parameters]


def detail_endpoints() -> list[Endpoint]:
    return [e for e in api_endpoints() if e.method == "get" and e.template.count("{") == 1]


LOGIN_PATH = "/accounts/login/"


def refuses(response) -> bool:
    """The response refuses the caller: 401/403, 405 for a method the route lacks, or a
    redirect to the login (or to the MFA step/enrolment, which also shows no data)."""
    if response.status_code in (401, 403, 405):
        return True
    if response.status_code in (301, 302, 303, 307, 308):
        location = response.headers.get("Location", "")
        return location.startswith((LOGIN_PATH, "/accounts/2fa/", "/admin/login/"))
    return False
