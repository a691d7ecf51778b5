"""The request as tenancy's middleware leaves it, for type checking views."""

from __future__ import annotations

from django.http import HttpRequest, QueryDict

from schoolkeep.tenancy.access import SchoolAccess
from schoolkeep.tenancy.models import School


class SchoolRequest(HttpRequest):
    """A request that passed ``school_view``: it has a current school and the user's access.

    Only an annotation: CurrentSchoolMiddleware sets these attributes on Django's request.
    """

    school: School
    access: SchoolAccess
    access_list: list[SchoolAccess]


def posted(request: HttpRequest) -> QueryDict | None:
    """The data of a POST, even an empty one (so that it is validated); None for a GET."""
    return request.POST if request.method == "POST" else None
