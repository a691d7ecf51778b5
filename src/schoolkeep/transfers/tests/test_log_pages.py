"""Pages of the transfer log: logging with the "log it anyway?" step, who sees what, the
filters, the review, the incident's confirmation page, the export, the asset's "Sent to"
section, and the list's query count at 3 and at 40 rows."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.transfers.log.services import transfer_incident
from schoolkeep.transfers.models import DataKind, Recipient, Transfer

from .test_log_services import asset, channel, sen_by

pytestmark = pytest.mark.django_db

LIST = reverse("transfers:transfer-list")
CREATE = reverse("transfers:transfer-create")
EXPORT = reverse("transfers:transfer-export")


def _form(**fields: str) -> dict[str, str]:
    today = timezone.localdate()
    data = {"data_kind": DataKind.SEN, "recipient": Recipient.SCHOOL,
            "recipient_name": "St Mary's Primary", "description": "Support plan for J.T.",
            "channel": "other", "channel_other": "Ordinary e-mail",
            "sent_on_0": str(today.day), "sent_on_1": str(today.month),
            "sent_on_2": str(today.year), "pupils_named": "no", "people_count": "1",
            "asset": ""}
    data.update(fields)
    return data


def test_an_unapproved_channel_asks_before_logging(personas: Personas, login) -> None:
    client = login(personas.staff)
    page = client.post(CREATE, _form())
    assert page.status_code == 200
    html = page.content.decode()
    assert ("Ordinary e-mail is not an approved channel for SEN information to another "
            "school: log it anyway? The DPO will review it.") in html
    assert 'name="log_anyway" value="yes"' in html
    assert not Transfer.objects.exists()
    done = client.post(CREATE, {**_form(), "log_anyway": "yes"})
    transfer = Transfer.objects.get()
    assert done.status_code == 302 and done.url == reverse("transfers:transfer-detail",
                                                           args=[transfer.public_id])
    assert transfer.review == Transfer.Review.TO_REVIEW and not transfer.approved


def test_an_approved_channel_is_logged_at_once(personas: Personas, login) -> None:
    egress = channel(personas.school)
    records = asset(personas.school)
    client = login(personas.siro)
    form = client.get(CREATE, {"data_kind": "sen", "recipient": "school"}).content.decode()
    assert "Approved for this: Egress." in form
    assert f'<option value="{egress.public_id}" selected>Egress</option>' in form
    response = client.post(CREATE, _form(channel=str(egress.public_id), channel_other="",
                                         asset=str(records.public_id),
                                         add_to_asset_recipients="on"))
    assert response.status_code == 302
    transfer = Transfer.objects.get()
    assert transfer.approved and transfer.channel == egress and transfer.asset == records
    records.refresh_from_db()
    assert "St Mary's Primary (another school)" in records.recipients


def test_form_errors_are_shown(personas: Personas, login) -> None:
    client = login(personas.staff)
    html = client.post(CREATE, _form(channel_other="")).content.decode()
    assert "Say which other way it was sent." in html
    records = asset(personas.school)
    html = client.post(CREATE, {**_form(asset=str(records.public_id),
                                        add_to_asset_recipients="on"),
                                "log_anyway": "yes"}).content.decode()
    assert "can change its recipients" in html
    assert not Transfer.objects.exists()


def test_members_see_their_own_and_viewers_the_whole_log(personas: Personas, login) -> None:
    mine = sen_by(personas.school, personas.staff, channel_other="Post", log_anyway=True,
                  recipient_name="Mine School")
    theirs = sen_by(personas.school, personas.dsl, channel_other="Post", log_anyway=True,
                    recipient_name="Theirs School")
    page = login(personas.staff).get(LIST).content.decode()
    assert "Mine School" in page and "Theirs School" not in page
    assert login(personas.staff).get(
        reverse("transfers:transfer-detail", args=[theirs.public_id])).status_code == 404
    assert login(personas.staff).get(
        reverse("transfers:transfer-detail", args=[mine.public_id])).status_code == 200
    everything = login(personas.auditor).get(LIST).content.decode()
    assert "Mine School" in everything and "Theirs School" in everything
    assert "Log a transfer" not in everything  # the auditor only reads


def test_the_filters(personas: Personas, login) -> None:
    egress = channel(personas.school)
    today = timezone.localdate()
    sen_by(personas.school, personas.staff, channel=egress, recipient_name="Old Egress",
           sent_on=today - timedelta(days=30))
    sen_by(personas.school, personas.staff, channel_other="Post", log_anyway=True,
           recipient_name="New Post")
    client = login(personas.dpo)
    by_channel = client.get(LIST, {"channel": str(egress.public_id)}).content.decode()
    assert "Old Egress" in by_channel and "New Post" not in by_channel
    to_review = client.get(LIST, {"review": "to_review"}).content.decode()
    assert "New Post" in to_review and "Old Egress" not in to_review
    recent = client.get(LIST, {"date_from_0": str((today - timedelta(days=7)).day),
                               "date_from_1": str((today - timedelta(days=7)).month),
                               "date_from_2": str((today - timedelta(days=7)).year)})
    html = recent.content.decode()
    assert "New Post" in html and "Old Egress" not in html
    other = client.get(LIST, {"channel": "other", "data_kind": "staff"}).content.decode()
    assert "No transfer matches these filters." in other


def test_the_dpo_reviews_on_the_page(personas: Personas, login) -> None:
    transfer = sen_by(personas.school, personas.staff, channel_other="Post", log_anyway=True)
    url = reverse("transfers:transfer-detail", args=[transfer.public_id])
    review = reverse("transfers:transfer-review", args=[transfer.public_id])
    client = login(personas.dpo)
    assert "Record the review" in client.get(url).content.decode()
    empty = client.post(review, {"note": "", "version": "1"})
    assert empty.status_code == 200 and "Say what you found" in empty.content.decode()
    done = client.post(review, {"note": "Sent by recorded delivery.", "version": "1"})
    assert done.status_code == 302
    transfer.refresh_from_db()
    assert transfer.review == Transfer.Review.REVIEWED
    assert "Record the review" not in client.get(url).content.decode()


def test_the_incident_page_confirms_then_reports_once(personas: Personas, login) -> None:
    transfer = sen_by(personas.school, personas.staff, channel_other="Ordinary e-mail",
                      log_anyway=True)
    url = reverse("transfers:transfer-incident", args=[transfer.public_id])
    client = login(personas.staff)
    page = client.get(url).content.decode()
    assert "SEN information sent to another school by Ordinary e-mail" in page
    assert "Report the incident" in page
    transfer.refresh_from_db()
    assert transfer.incident is None  # GET changes nothing
    assert client.post(url).status_code == 302
    transfer.refresh_from_db()
    assert transfer.incident is not None
    again = client.post(url, follow=True).content.decode()
    assert f"already reported as {transfer.incident.reference}" in again
    assert Transfer.objects.filter(incident__isnull=False).count() == 1


def test_the_trust_administrator_reads_but_may_not_report_an_incident(
        personas: Personas, login) -> None:
    transfer = sen_by(personas.school, personas.staff, channel_other="Ordinary e-mail",
                      log_anyway=True)
    url = reverse("transfers:transfer-incident", args=[transfer.public_id])
    detail = reverse("transfers:transfer-detail", args=[transfer.public_id])
    client = login(personas.trust_admin)
    page = client.get(detail)
    assert page.status_code == 200
    assert "Report as an incident" not in page.content.decode()
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    transfer.refresh_from_db()
    assert transfer.incident is None
    assert "Report as an incident" in login(personas.dpo).get(detail).content.decode()


def test_invalid_filters_show_their_errors_and_no_transfers(personas: Personas,
                                                            login) -> None:
    sen_by(personas.school, personas.staff, channel_other="Post", log_anyway=True,
           recipient_name="Listed School")
    client = login(personas.dpo)
    for bad in ({"date_from_0": "31", "date_from_1": "2", "date_from_2": "2026"},
                {"channel": "not-a-channel"}, {"review": "maybe"},
                {"date_from_0": "2", "date_from_1": "1", "date_from_2": "2026",
                 "date_to_0": "1", "date_to_1": "1", "date_to_2": "2026"}):
        response = client.get(LIST, bad)
        html = response.content.decode()
        assert response.status_code == 200, bad
        assert "There is a problem" in html, bad
        assert "Listed School" not in html and "Transfers (0)" in html, bad
        assert "Correct the filters to see the transfers." in html
        export = client.get(EXPORT, {"format": "csv", **bad})
        assert export.status_code == 400, bad
        assert export["Content-Type"].startswith("text/plain")
        assert b"Listed School" not in export.content
        assert b"filters are not valid" in export.content
    assert not AuditEvent.objects.filter(action="transfers.log.exported").exists()
    assert "Listed School" in client.get(LIST).content.decode()


def test_the_export_keeps_the_filters(personas: Personas, login) -> None:
    egress = channel(personas.school)
    sen_by(personas.school, personas.staff, channel=egress, recipient_name="=HYPERLINK()")
    sen_by(personas.school, personas.staff, channel_other="Post", log_anyway=True,
           recipient_name="By Post")
    client = login(personas.dpo)
    response = client.get(EXPORT, {"format": "csv", "review": "to_review"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Date sent", "What", "Description"]
    assert [row[4] for row in rows[1:]] == ["By Post"]
    book = client.get(EXPORT, {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(book.content)).active
    names = sorted(row[4] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert names == ["'=HYPERLINK()", "By Post"]
    assert AuditEvent.objects.filter(action="transfers.log.exported").count() == 2
    assert client.get(EXPORT, {"format": "pdf"}).status_code == 404
    assert login(personas.staff).get(EXPORT).status_code == 403


def test_the_asset_page_shows_who_its_data_was_sent_to(personas: Personas, login) -> None:
    records = asset(personas.school, recipients="St Mary's Primary")
    sen_by(personas.school, personas.staff, channel_other="Post", log_anyway=True,
           asset=records)
    sen_by(personas.school, personas.staff, channel_other="Post", log_anyway=True,
           asset=records, recipient_name="Kestrel School")
    html = login(personas.siro).get(
        reverse("assets:asset-detail", args=[records.public_id])).content.decode()
    assert "Sent to (from the transfer log)" in html
    assert "St Mary&#x27;s Primary (another school): 1 transfer, latest on" in html
    assert "Kestrel School (another school): 1 transfer" in html
    assert html.count("not in “Who it is shared with” above") == 1


def _populate(personas: Personas, start: int, count: int) -> None:
    egress = channel(personas.school) if start == 0 else None
    records = asset(personas.school, name=f"Records {start}")
    for n in range(start, start + count):
        if n % 2 and egress is not None:
            sen_by(personas.school, personas.staff, channel=egress, asset=records)
        else:
            sen_by(personas.school, personas.staff, channel_other=f"Way {n}", log_anyway=True,
                   asset=records)


def test_list_query_count_does_not_grow(personas: Personas, login, steady_session: None,
                                        django_assert_num_queries) -> None:
    client = login(personas.dpo)
    _populate(personas, 0, 3)
    transfer = Transfer.objects.first()
    assert transfer is not None
    transfer_incident(transfer=transfer, actor=personas.dpo)
    client.get(LIST)  # the session's first request may write
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    _populate(personas, 3, 37)
    with django_assert_num_queries(len(few)):
        html = client.get(LIST).content.decode()
    assert "Transfers (40)" in html
