"""Every named URL of Renda has a row in some app's permission matrix, and every view declares
a permission (the middleware refuses views that do not)."""

import importlib
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

from tests.permission_matrix import REGISTRY

SKIP_NAMESPACES = {"admin", "api"}


def _names(resolver: URLResolver, prefix: str = "") -> list[tuple[str, object]]:
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            if ns in SKIP_NAMESPACES:
                continue
            found += _names(entry, f"{prefix}{ns}:" if ns else prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            found.append((prefix + entry.name, entry.callback))
    return found


def test_every_url_has_a_matrix_row_and_a_declared_permission():
    for path in Path(__file__).resolve().parent.parent.glob("*/test_url_matrix.py"):
        importlib.import_module(f"tests.{path.parent.name}.test_url_matrix")
    names = _names(get_resolver())
    assert names, "no URLs found"
    missing = sorted(n for n, _ in names if n not in REGISTRY)
    assert missing == [], f"URLs without a row in a permission matrix: {missing}"
    undeclared = sorted(
        n
        for n, cb in names
        if not getattr(cb, "renda_permission", None)
        and not getattr(getattr(cb, "view_class", None), "renda_permission", None)
    )
    assert undeclared == [], f"views that declare no permission: {undeclared}"
