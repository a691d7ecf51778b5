"""The JSON API: /api/v1/, bearer tokens only, the same scoping as the web pages."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(title="Schoolkeep API", version="1", urls_namespace="api")
