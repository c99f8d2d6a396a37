"""The municipality in the URL (/t/<tenant>/..., /api/v1/t/<tenant>/...), shared by pages and API.

`pop_tenant` takes the slug off the view arguments into `g.tenant_slug`; `add_tenant` puts it back when
`url_for` builds a URL of the same blueprint, so views and templates never pass it by hand.
"""

from __future__ import annotations

from flask import g


def pop_tenant(endpoint, values):
    g.tenant_slug = values.pop("tenant", None) if values else None


def add_tenant(endpoint, values):
    if "tenant" not in values and getattr(g, "tenant_slug", None):
        values["tenant"] = g.tenant_slug
