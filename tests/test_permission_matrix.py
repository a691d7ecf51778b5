# ruff: noqa: E501  (one row per line keeps the table readable)
"""The permission matrix: for every URL of the URL conf, every method we test and every
persona, the status the request must get. A URL with no row fails the suite.

Columns: anonymous, siro, dpo, iao, business_manager, it_lead, dsl, hr_admin, data_admin,
staff, governor, auditor, trust_admin (reads every school of the trust), outsider (SIRO of a
school outside the trust: another school's record is a 404, never a 403).

Records a URL needs (a member, an invitation, an audit event, a token...) belong to the home
school, built in tests/permission_matrix.py. Each request is rolled back, so the order of the
columns does not matter. POSTs carry no data: they prove who gets past the permission check.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from tests.matrix_parts import parts
from tests.permission_matrix import (
    COLUMNS,
    EXTRA_METHODS,
    Targets,
    all_url_names,
    build_targets,
    job_status_after_role_change,
    request_status,
    sign_in_everyone,
)
from tests.personas import build_personas

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("account_change_password", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("account_change_password", "POST"): "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("account_confirm_reauthentication_code", "GET"): "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    ("account_confirm_reauthentication_code", "POST"): "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    ("account_login", "GET"): "200 302 302 302 302 302 302 302 302 302 302 302 302 302",
    ("account_login", "POST"): "200 302 302 302 302 302 302 302 302 302 302 302 302 302",
    ("account_logout", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("account_logout", "POST"): "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    ("account_reauthenticate", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("account_reauthenticate", "POST"): "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("account_request_reauthentication_code", "GET"): "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    ("account_request_reauthentication_code", "POST"): "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    ("account_reset_password", "GET"): "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("account_reset_password", "POST"): "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("account_reset_password_done", "GET"): "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("account_reset_password_done", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("account_reset_password_from_key", "GET"): "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("account_reset_password_from_key", "POST"): "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("account_reset_password_from_key_done", "GET"): "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("account_reset_password_from_key_done", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("account_set_password", "GET"): "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    ("account_set_password", "POST"): "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    ("accounts:account", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("accounts:account", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("accounts:lockout-list", "GET"): "302 200 403 403 403 403 403 403 403 403 403 403 403 200",
    ("accounts:lockout-list", "POST"): "302 405 403 403 403 403 403 403 403 403 403 403 403 405",
    ("accounts:lockout-unlock", "GET"): "302 405 403 403 403 403 403 403 403 403 403 403 403 405",
    ("accounts:lockout-unlock", "POST"): "302 302 403 403 403 403 403 403 403 403 403 403 403 404",
    ("accounts:mfa-required", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("accounts:mfa-required", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("accounts:session-status", "GET"): "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("accounts:session-status", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("accounts:token-create", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("accounts:token-create", "POST"): "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("accounts:token-revoke", "GET"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("accounts:token-revoke", "POST"): "302 302 404 404 404 404 404 404 404 404 404 404 404 404",
    ("api:api-root", "GET"): "404 404 404 404 404 404 404 404 404 404 404 404 404 404",
    ("api:api-root", "POST"): "404 404 404 404 404 404 404 404 404 404 404 404 404 404",
    ("api:me", "GET"): "401 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("api:me", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:openapi-json", "GET"): "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("api:openapi-json", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:openapi-view", "GET"): "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("api:openapi-view", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    # The register's pages: every member reads (the outsider reads their own school's, and
    # gets 404 for this school's asset and label); the SIRO, DPO and data administrator write;
    # the information asset owner persona owns the matrix asset, so may edit it, not archive it.
    ("assets:asset-list", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("assets:asset-list", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("assets:asset-create", "GET"): "302 200 200 403 403 403 403 403 200 403 403 403 403 200",
    ("assets:asset-create", "POST"): "302 200 200 403 403 403 403 403 200 403 403 403 403 200",
    ("assets:asset-detail", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 200 404",
    ("assets:asset-detail", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("assets:asset-edit", "GET"): "302 200 200 200 403 403 403 403 200 403 403 403 403 404",
    ("assets:asset-edit", "POST"): "302 200 200 200 403 403 403 403 200 403 403 403 403 404",
    ("assets:asset-archive", "GET"): "302 200 200 403 403 403 403 403 200 403 403 403 403 404",
    ("assets:asset-archive", "POST"): "302 302 302 403 403 403 403 403 302 403 403 403 403 404",
    ("assets:appendix", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("assets:appendix", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("assets:appendix-docx", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("assets:appendix-docx", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("assets:appendix-csv", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("assets:appendix-csv", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("assets:register-export", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("assets:register-export", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("assets:processing-record", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("assets:processing-record", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("assets:processing-record-xlsx", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("assets:processing-record-xlsx", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("assets:settings", "GET"): "302 200 200 403 403 403 403 403 200 403 403 403 403 200",
    ("assets:settings", "POST"): "302 200 200 403 403 403 403 403 200 403 403 403 403 200",
    ("assets:label-list", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("assets:label-list", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("assets:label-edit", "GET"): "302 200 200 403 403 403 403 403 200 403 403 403 403 404",
    ("assets:label-edit", "POST"): "302 200 200 403 403 403 403 403 200 403 403 403 403 404",
    ("assets:import-upload", "GET"): "302 200 200 403 403 403 403 403 200 403 403 403 403 200",
    ("assets:import-upload", "POST"): "302 200 200 403 403 403 403 403 200 403 403 403 403 200",
    ("assets:import-preview", "GET"): "302 200 404 403 403 403 403 403 404 403 403 403 403 404",
    ("assets:import-preview", "POST"): "302 405 405 403 403 403 403 403 405 403 403 403 403 405",
    ("assets:import-confirm", "GET"): "302 405 405 403 403 403 403 403 405 403 403 403 403 405",
    ("assets:import-confirm", "POST"): "302 302 404 403 403 403 403 403 404 403 403 403 403 404",
    ("assets:import-result", "GET"): "302 200 404 403 403 403 403 403 404 403 403 403 403 404",
    ("assets:import-result", "POST"): "302 405 405 403 403 403 403 403 405 403 403 403 403 405",
    ("audit:event-detail", "GET"): "302 200 200 403 403 403 403 403 403 403 403 200 403 404",
    ("audit:event-detail", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("audit:event-export", "GET"): "302 200 200 403 403 403 403 403 403 403 403 200 403 200",
    ("audit:event-export", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("audit:event-list", "GET"): "302 200 200 403 403 403 403 403 403 403 403 200 403 200",
    ("audit:event-list", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("audit:record-history", "GET"): "302 200 200 403 403 403 403 403 403 403 403 200 403 404",
    ("audit:record-history", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("duties:calendar-feed", "GET"): "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("duties:calendar-feed", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("duties:calendar-reset", "GET"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("duties:calendar-reset", "POST"): "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    ("duties:dashboard", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("duties:dashboard", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("healthz", "GET"): "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("healthz", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("home", "GET"): "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    ("home", "POST"): "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    ("jobs:job-detail", "GET"): "302 200 404 404 404 404 404 404 404 404 404 404 404 404",
    ("jobs:job-detail", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("jobs:job-download", "GET"): "302 200 404 404 404 404 404 404 404 404 404 404 404 404",
    ("jobs:job-download", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("join:accept", "GET"): "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("join:accept", "POST"): "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("mfa_activate_totp", "GET"): "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    ("mfa_activate_totp", "POST"): "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    ("mfa_add_webauthn", "GET"): "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    ("mfa_add_webauthn", "POST"): "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    ("mfa_authenticate", "GET"): "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    ("mfa_authenticate", "POST"): "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    ("mfa_deactivate_totp", "GET"): "302 302 302 302 302 302 302 302 302 404 302 302 302 302",
    ("mfa_deactivate_totp", "POST"): "302 302 302 302 302 302 302 302 302 404 302 302 302 302",
    ("mfa_download_recovery_codes", "GET"): "302 404 404 404 404 404 404 404 404 404 404 404 404 404",
    ("mfa_download_recovery_codes", "POST"): "302 404 404 404 404 404 404 404 404 404 404 404 404 404",
    ("mfa_edit_webauthn", "GET"): "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    ("mfa_edit_webauthn", "POST"): "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    ("mfa_generate_recovery_codes", "GET"): "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    ("mfa_generate_recovery_codes", "POST"): "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    ("mfa_index", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("mfa_index", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("mfa_list_webauthn", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("mfa_list_webauthn", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("mfa_reauthenticate", "GET"): "302 200 200 200 200 200 200 200 200 302 200 200 200 200",
    ("mfa_reauthenticate", "POST"): "302 200 200 200 200 200 200 200 200 302 200 200 200 200",
    ("mfa_reauthenticate_webauthn", "GET"): "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    ("mfa_reauthenticate_webauthn", "POST"): "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    ("mfa_remove_webauthn", "GET"): "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    ("mfa_remove_webauthn", "POST"): "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    ("mfa_view_recovery_codes", "GET"): "302 404 404 404 404 404 404 404 404 404 404 404 404 404",
    ("mfa_view_recovery_codes", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("tenancy:invitation-create", "GET"): "302 200 403 403 403 403 403 403 403 403 403 403 403 200",
    ("tenancy:invitation-create", "POST"): "302 200 403 403 403 403 403 403 403 403 403 403 403 200",
    ("tenancy:invitation-revoke", "GET"): "302 405 405 403 405 405 403 405 403 403 403 405 405 405",
    ("tenancy:invitation-revoke", "POST"): "302 302 403 403 403 403 403 403 403 403 403 403 403 404",
    ("tenancy:key-contacts", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("tenancy:key-contacts", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("tenancy:member-deactivate", "GET"): "302 200 403 403 403 403 403 403 403 403 403 403 403 404",
    ("tenancy:member-deactivate", "POST"): "302 302 403 403 403 403 403 403 403 403 403 403 403 404",
    ("tenancy:member-edit", "GET"): "302 200 403 403 403 403 403 403 403 403 403 403 403 404",
    ("tenancy:member-edit", "POST"): "302 200 403 403 403 403 403 403 403 403 403 403 403 404",
    ("tenancy:member-list", "GET"): "302 200 200 403 200 200 403 200 403 403 403 200 200 200",
    ("tenancy:member-list", "POST"): "302 405 405 403 405 405 403 405 403 403 403 405 405 405",
    ("tenancy:no-school", "GET"): "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    ("tenancy:no-school", "POST"): "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    ("tenancy:school-settings", "GET"): "302 200 403 403 403 403 403 403 403 403 403 403 403 200",
    ("tenancy:school-settings", "POST"): "302 200 403 403 403 403 403 403 403 403 403 403 403 200",
    ("tenancy:school-switch", "GET"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("tenancy:school-switch", "POST"): "302 404 404 404 404 404 404 404 404 404 404 404 404 404",
    ("tenancy:term-edit", "GET"): "302 200 403 403 200 403 403 403 403 403 403 403 403 200",
    ("tenancy:term-edit", "POST"): "302 200 403 403 200 403 403 403 403 403 403 403 403 200",
    ("tenancy:term-list", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("tenancy:term-list", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("usersessions_list", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("usersessions_list", "POST"): "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    # Everyone reads the register; the SIRO, DPO and data administrator write any asset; the
    # information asset owner persona owns the matrix asset, so may change it (not archive it).
    ("api:asset-archive", "GET"): "401 200 200 200 200 200 200 200 200 200 200 200 200 404",
    ("api:asset-archive", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:asset-archive", "DELETE"): "401 204 204 403 403 403 403 403 204 403 403 403 403 404",
    ("api:asset-create", "GET"): "401 200 200 200 200 200 200 200 200 200 200 200 200 404",
    ("api:asset-create", "POST"): "401 201 201 403 403 403 403 403 201 403 403 403 403 404",
    ("api:asset-detail", "GET"): "401 200 200 200 200 200 200 200 200 200 200 200 200 404",
    ("api:asset-detail", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:asset-list", "GET"): "401 200 200 200 200 200 200 200 200 200 200 200 200 404",
    ("api:asset-list", "POST"): "401 201 201 403 403 403 403 403 201 403 403 403 403 404",
    ("api:asset-update", "GET"): "401 200 200 200 200 200 200 200 200 200 200 200 200 404",
    ("api:asset-update", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:asset-update", "PATCH"): "401 200 200 200 403 403 403 403 200 403 403 403 403 404",
    ("api:check-save", "GET"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:check-save", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:check-save", "PUT"): "401 200 403 403 403 403 403 200 403 403 403 403 403 404",
    ("api:person-archive", "GET"): "401 200 200 200 200 200 200 200 200 200 200 200 200 404",
    ("api:person-archive", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:person-archive", "DELETE"): "401 204 403 403 403 403 403 204 403 403 403 403 403 404",
    ("api:person-checks", "GET"): "401 200 403 403 403 403 200 200 403 403 403 200 200 404",
    ("api:person-checks", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:person-create", "GET"): "401 200 200 200 200 200 200 200 200 200 200 200 200 404",
    ("api:person-create", "POST"): "401 201 403 403 403 403 403 201 403 403 403 403 403 404",
    ("api:person-detail", "GET"): "401 200 200 200 200 200 200 200 200 200 200 200 200 404",
    ("api:person-detail", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:person-list", "GET"): "401 200 200 200 200 200 200 200 200 200 200 200 200 404",
    ("api:person-list", "POST"): "401 201 403 403 403 403 403 201 403 403 403 403 403 404",
    ("api:person-update", "GET"): "401 200 200 200 200 200 200 200 200 200 200 200 200 404",
    ("api:person-update", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:person-update", "PATCH"): "401 200 403 403 403 403 403 200 403 403 403 403 403 404",
    ("api:system-archive", "GET"): "401 200 200 403 200 200 403 403 200 403 403 200 200 404",
    ("api:system-archive", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:system-archive", "DELETE"): "401 204 204 403 403 204 403 403 403 403 403 403 403 404",
    ("api:system-create", "GET"): "401 200 200 403 200 200 403 403 200 403 403 200 200 404",
    ("api:system-create", "POST"): "401 201 201 403 403 201 403 403 403 403 403 403 403 404",
    ("api:system-detail", "GET"): "401 200 200 403 200 200 403 403 200 403 403 200 200 404",
    ("api:system-detail", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:system-list", "GET"): "401 200 200 403 200 200 403 403 200 403 403 200 200 404",
    ("api:system-list", "POST"): "401 201 201 403 403 201 403 403 403 403 403 403 403 404",
    ("api:system-update", "GET"): "401 200 200 403 200 200 403 403 200 403 403 200 200 404",
    ("api:system-update", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:system-update", "PATCH"): "401 200 200 403 403 200 403 403 403 403 403 403 403 404",
    ("people:check-edit", "GET"): "302 200 403 403 403 403 403 200 403 403 403 403 403 404",
    ("people:check-edit", "POST"): "302 200 403 403 403 403 403 200 403 403 403 403 403 404",
    ("people:copy-delete", "GET"): "302 200 403 403 403 403 403 200 403 403 403 403 403 404",
    ("people:copy-delete", "POST"): "302 200 403 403 403 403 403 200 403 403 403 403 403 404",
    ("people:copy-download", "GET"): "302 200 403 403 403 403 200 200 403 403 403 200 403 404",
    ("people:copy-download", "POST"): "302 405 403 403 403 403 405 405 403 403 403 405 403 405",
    ("people:copy-upload", "GET"): "302 200 403 403 403 403 403 200 403 403 403 403 403 404",
    ("people:copy-upload", "POST"): "302 200 403 403 403 403 403 200 403 403 403 403 403 404",
    ("people:import-confirm", "GET"): "302 405 403 403 403 403 403 405 403 403 403 403 403 405",
    ("people:import-confirm", "POST"): "302 302 403 403 403 403 403 404 403 403 403 403 403 404",
    ("people:import-preview", "GET"): "302 200 403 403 403 403 403 404 403 403 403 403 403 404",
    ("people:import-preview", "POST"): "302 405 403 403 403 403 403 405 403 403 403 403 403 405",
    ("people:import-template", "GET"): "302 200 403 403 403 403 403 200 403 403 403 403 403 200",
    ("people:import-template", "POST"): "302 405 403 403 403 403 403 405 403 403 403 403 403 405",
    ("people:import-upload", "GET"): "302 200 403 403 403 403 403 200 403 403 403 403 403 200",
    ("people:import-upload", "POST"): "302 200 403 403 403 403 403 200 403 403 403 403 403 200",
    ("people:override-edit", "GET"): "302 200 403 403 403 403 403 200 403 403 403 403 403 404",
    ("people:override-edit", "POST"): "302 200 403 403 403 403 403 200 403 403 403 403 403 404",
    ("people:people-settings", "GET"): "302 200 403 403 403 403 403 200 403 403 403 403 403 200",
    ("people:people-settings", "POST"): "302 200 403 403 403 403 403 200 403 403 403 403 403 200",
    ("people:person-create", "GET"): "302 200 403 403 403 403 403 200 403 403 403 403 403 200",
    ("people:person-create", "POST"): "302 200 403 403 403 403 403 200 403 403 403 403 403 200",
    ("people:person-detail", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 200 404",
    ("people:person-detail", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("people:person-edit", "GET"): "302 200 403 403 403 403 403 200 403 403 403 403 403 404",
    ("people:person-edit", "POST"): "302 200 403 403 403 403 403 200 403 403 403 403 403 404",
    ("people:person-leaver", "GET"): "302 200 403 403 403 403 403 200 403 403 403 403 403 404",
    ("people:person-leaver", "POST"): "302 200 403 403 403 403 403 200 403 403 403 403 403 404",
    ("people:person-link-account", "GET"): "302 200 403 403 403 403 403 200 403 403 403 403 403 404",
    # The form carries the record's version (issue 12, finding 5): an empty POST comes back.
    ("people:person-link-account", "POST"): "302 200 403 403 403 403 403 200 403 403 403 403 403 404",
    ("people:person-list", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("people:person-list", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("people:record", "GET"): "302 200 403 403 403 403 200 200 403 403 403 200 200 200",
    ("people:record", "POST"): "302 405 403 403 403 403 405 405 403 403 403 405 405 405",
    ("people:record-archive", "GET"): "302 200 403 403 403 403 200 200 403 403 403 200 200 200",
    ("people:record-archive", "POST"): "302 405 403 403 403 403 405 405 403 403 403 405 405 405",
    ("people:record-export", "GET"): "302 405 403 403 403 403 405 405 403 403 403 405 405 405",
    ("people:record-export", "POST"): "302 302 403 403 403 403 302 302 403 403 403 302 302 302",
    ("people:rules", "GET"): "302 200 403 403 403 403 200 200 403 403 403 200 200 200",
    ("people:rules", "POST"): "302 405 403 403 403 403 405 405 403 403 403 405 405 405",
    ("people:rules-edit", "GET"): "302 200 403 403 403 403 403 200 403 403 403 403 403 200",
    # A valid form (tests/matrix_parts/trust.py): the SIRO and HR administrator save; the
    # trust administrator stays read-only in the school; the outsider's school's rules differ
    # from the ones the form was based on, so the form comes back (200).
    ("people:rules-edit", "POST"): "302 302 403 403 403 403 403 302 403 403 403 403 403 200",
    ("people:rules-reset", "GET"): "302 405 403 403 403 403 403 405 403 403 403 403 403 405",
    ("people:rules-reset", "POST"): "302 302 403 403 403 403 403 302 403 403 403 403 403 302",
    ("systems:catalogue", "GET"): "302 200 200 403 200 200 403 403 200 403 403 200 200 200",
    ("systems:catalogue", "POST"): "302 405 405 403 405 405 403 403 405 403 403 405 405 405",
    ("systems:catalogue-add", "GET"): "302 405 405 403 403 405 403 403 403 403 403 403 403 405",
    ("systems:catalogue-add", "POST"): "302 302 302 403 403 302 403 403 403 403 403 403 403 302",
    ("systems:system-archive", "GET"): "302 200 200 403 403 200 403 403 403 403 403 403 403 404",
    ("systems:system-archive", "POST"): "302 302 302 403 403 302 403 403 403 403 403 403 403 404",
    ("systems:system-create", "GET"): "302 200 200 403 403 200 403 403 403 403 403 403 403 200",
    ("systems:system-create", "POST"): "302 200 200 403 403 200 403 403 403 403 403 403 403 200",
    ("systems:system-detail", "GET"): "302 200 200 403 200 200 403 403 200 403 403 200 200 404",
    ("systems:system-detail", "POST"): "302 405 405 403 405 405 403 403 405 403 403 405 405 405",
    ("systems:system-edit", "GET"): "302 200 200 403 403 200 403 403 403 403 403 403 403 404",
    ("systems:system-edit", "POST"): "302 200 200 403 403 200 403 403 403 403 403 403 403 404",
    ("systems:system-list", "GET"): "302 200 200 403 200 200 403 403 200 403 403 200 200 200",
    ("systems:system-list", "POST"): "302 405 405 403 405 405 403 403 405 403 403 405 405 405",
}


for _part in parts():
    MATRIX.update(getattr(_part, "MATRIX", {}))


def test_every_url_has_rows():
    """A new URL without rows in the matrix fails here."""
    names_with_rows = {name for name, _ in MATRIX}
    missing = sorted(all_url_names() - names_with_rows)
    stale = sorted(names_with_rows - all_url_names())
    assert not missing, f"URLs without permission-matrix rows: {missing}"
    assert not stale, f"Rows for URLs that no longer exist: {stale}"


def test_every_row_is_complete():
    for key, row in MATRIX.items():
        assert len(row.split()) == len(COLUMNS), f"{key} needs {len(COLUMNS)} statuses"
    for name in {name for name, _ in MATRIX}:
        assert (name, "GET") in MATRIX and (name, "POST") in MATRIX, name
    for name, methods in EXTRA_METHODS.items():
        for method in methods:
            assert (name, method) in MATRIX, (name, method)


@pytest.fixture(autouse=True)
def _private_data_dir() -> None:
    """Replaces the suite's per-test data folder: here it is the module's (matrix_targets),
    where the records built once keep their uploaded files."""


@pytest.fixture(scope="module")
def matrix_targets(django_db_setup: None, django_db_blocker: Any,
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[Targets]:
    """The personas and every module's records, built once per worker for all the rows (each
    row's test runs in its own savepoint and each request is rolled back), inside one
    transaction that is rolled back at the end, so nothing outlives this module."""
    data_dir = tmp_path_factory.mktemp("matrix-data")
    with override_settings(DATA_DIR=data_dir, UPLOADS_DIR=data_dir / "uploads"), \
            django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            targets = build_targets(build_personas())
            sign_in_everyone(targets)
            yield targets
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.mark.parametrize(("name", "method"), sorted(MATRIX), ids=lambda v: str(v))
def test_permission_matrix(db: None, matrix_targets: Targets, name: str, method: str) -> None:
    targets = matrix_targets
    expected = dict(zip(COLUMNS, (int(s) for s in MATRIX[(name, method)].split()), strict=True))
    actual = {persona: request_status(persona, name, method, targets) for persona in COLUMNS}
    wrong = {p: f"expected {expected[p]}, got {actual[p]}" for p in COLUMNS
             if expected[p] != actual[p]}
    assert not wrong, f"{method} {name}: {wrong}"


# A job's page and file after its maker's role changes (issue 12): each persona opens their
# own export of the record with the sensitive fields (permission scr.sensitive.view), made at
# the school they work in, before and after their roles there become plain staff (the trust
# administrator's trust role ended and made a staff member). Its result is served only while
# the maker holds the permission that made it: 403 otherwise, as for any permission missing.
#                                                      anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
JOB_AFTER_ROLE_CHANGE: dict[tuple[str, str, str], str] = {
    ("jobs:job-detail", "GET", "before"): "302 200 403 403 403 403 200 200 403 403 403 200 403 200",
    ("jobs:job-detail", "GET", "after"): "302 403 403 403 403 403 403 403 403 403 403 403 403 403",
    ("jobs:job-download", "GET", "before"): "302 200 403 403 403 403 200 200 403 403 403 200 403 200",
    ("jobs:job-download", "GET", "after"): "302 403 403 403 403 403 403 403 403 403 403 403 403 403",
}


def test_job_rows_after_a_role_change_cover_every_job_url():
    job_urls = {name for name in all_url_names() if name.startswith("jobs:")}
    assert {name for name, _, _ in JOB_AFTER_ROLE_CHANGE} == job_urls


@pytest.mark.parametrize(("name", "method", "when"), sorted(JOB_AFTER_ROLE_CHANGE),
                         ids=lambda v: str(v))
def test_job_after_a_role_change(db: None, matrix_targets: Targets, name: str, method: str,
                                 when: str) -> None:
    targets = matrix_targets
    row = JOB_AFTER_ROLE_CHANGE[(name, method, when)]
    expected = dict(zip(COLUMNS, (int(s) for s in row.split()), strict=True))
    actual = {persona: job_status_after_role_change(persona, name, method, targets,
                                                    changed=when == "after")
              for persona in COLUMNS}
    wrong = {p: f"expected {expected[p]}, got {actual[p]}" for p in COLUMNS
             if expected[p] != actual[p]}
    assert not wrong, f"{method} {name} {when} the role change: {wrong}"
