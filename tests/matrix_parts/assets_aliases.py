# ruff: noqa: E501  (one row per line keeps the table readable)
"""Names matched on import (assets/aliases/) in the permission matrix.

Those who manage the register (the SIRO, the DPO, the data administrator, and the outsider in
their own school) see the page and remove a name (POST only); this school's alias is a 404 to
the outsider; everyone else is refused.
"""

from __future__ import annotations

from typing import Any

from schoolkeep.assets import services
from schoolkeep.assets.imports.writing import _save_aliases
from schoolkeep.assets.models import AssetAlias
from schoolkeep.lib.text import fold
from tests.personas import Personas


def build(personas: Personas) -> dict[str, Any]:
    school, siro = personas.school, personas.siro
    group = services.group_get_or_create(school=school, name="Matrix Alias Group", actor=siro)
    asset = services.asset_create(school=school, actor=siro, group=group,
                                  name="Matrix Alias Asset")
    _save_aliases(school, siro, [{"group_key": fold(group.name), "name_key": "matrix alias",
                                  "name": "Matrix alias", "target": str(asset.public_id)}])
    alias = AssetAlias.objects.get(school=school, name="Matrix alias")
    return {"aliases_alias_id": str(alias.public_id)}


URL_ARGUMENTS = {
    "assets:alias-remove": lambda t: {"public_id": t.extra["aliases_alias_id"]},
}

#                                             anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("assets:alias-list", "GET"): "302 200 200 403 403 403 403 403 200 403 403 403 403 200",
    ("assets:alias-list", "POST"): "302 405 405 403 403 403 403 403 405 403 403 403 403 405",
    ("assets:alias-remove", "GET"): "302 405 405 403 403 403 403 403 405 403 403 403 403 405",
    ("assets:alias-remove", "POST"): "302 302 302 403 403 403 403 403 302 403 403 403 403 404",
}
