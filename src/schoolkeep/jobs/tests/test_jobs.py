from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from schoolkeep.jobs.models import Job
from schoolkeep.jobs.services import (
    STALE_AFTER,
    job_create,
    job_fail,
    job_file_path,
    job_finish,
    job_lost_worker,
    job_mark_interrupted,
    job_progress,
    job_started,
    jobs_clean_up,
)


def test_progress_then_file_for_the_member_who_started_it(personas, login, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    job = job_create(school=personas.school, actor=personas.siro, kind="test", title="Export",
                     total=10, permission="school.view")
    client = login(personas.siro)
    page = client.get(reverse("jobs:job-detail", args=[job.public_id]))
    assert page.status_code == 200
    assert 'http-equiv="refresh"' in page.content.decode()
    job_progress(job, done=4)
    assert Job.objects.get(pk=job.pk).percent == 40
    job_finish(job, content=b"a,b\n", filename="export.csv", content_type="text/csv")
    page = client.get(reverse("jobs:job-detail", args=[job.public_id]))
    assert 'http-equiv="refresh"' not in page.content.decode()
    download = client.get(reverse("jobs:job-download", args=[job.public_id]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"a,b\n"
    assert "attachment" in download["Content-Disposition"]


def test_another_member_cannot_see_the_job(personas, login):
    job = job_create(school=personas.school, actor=personas.siro, kind="test", title="Export",
                     permission="school.view")
    client = login(personas.dpo)
    assert client.get(reverse("jobs:job-detail", args=[job.public_id])).status_code == 404
    assert client.get(reverse("jobs:job-download", args=[job.public_id])).status_code == 404


def test_another_school_gets_404(personas, login):
    job = job_create(school=personas.school, actor=personas.siro, kind="test", title="Export",
                     permission="school.view")
    client = login(personas.outsider)
    assert client.get(reverse("jobs:job-detail", args=[job.public_id])).status_code == 404


def test_failure_is_shown_plainly(personas, login):
    job = job_create(school=personas.school, actor=personas.siro, kind="test", title="Import",
                     permission="school.view")
    job_fail(job, message="Row 3: the date is impossible.")
    page = login(personas.siro).get(reverse("jobs:job-detail", args=[job.public_id]))
    assert "Row 3: the date is impossible." in page.content.decode()


def test_clean_up_removes_old_files_and_rows(personas, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    job = job_create(school=personas.school, actor=personas.siro, kind="test", title="Export",
                     permission="school.view")
    job_finish(job, content=b"x", filename="x.csv", content_type="text/csv")
    path = job_file_path(job)
    assert path is not None and path.exists()
    assert jobs_clean_up(timezone.now()) == 0
    assert jobs_clean_up(timezone.now() + timedelta(days=2)) == 1
    assert not path.exists()
    assert not Job.objects.filter(pk=job.pk).exists()


def test_progress_inside_a_transaction_is_seen_before_it_commits(personas, login, settings,
                                                                  tmp_path):
    """An import writes in one transaction: its progress, reported inside it, reaches the
    job's page through the note in the jobs folder, and the note goes when the job ends."""
    settings.DATA_DIR = tmp_path
    job = job_create(school=personas.school, actor=personas.siro, kind="test", title="Import",
                     total=10, permission="school.view")
    job_started(job)
    job_progress(job, done=4, message="Writing the rows.")  # tests run inside a transaction
    # What another connection sees until the import commits: the row as it was.
    Job.objects.filter(pk=job.pk).update(done=0, message="")
    page = login(personas.siro).get(reverse("jobs:job-detail", args=[job.public_id]))
    content = page.content.decode()
    assert "4 of 10" in content
    assert "Writing the rows." in content
    job_finish(job, message="Imported.")
    assert list((tmp_path / "jobs").glob("*.progress.*")) == []


def test_a_fresh_progress_note_keeps_a_running_job_alive(personas, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    job = job_create(school=personas.school, actor=personas.siro, kind="test", title="Import",
                     total=10, permission="school.view")
    job_started(job)
    job_progress(job, done=4)
    long_ago = timezone.now() - STALE_AFTER - timedelta(minutes=1)
    Job.objects.filter(pk=job.pk).update(heartbeat_at=long_ago, worker_host="elsewhere")
    job = Job.objects.get(pk=job.pk)
    assert job_lost_worker(job) is False  # the note is newer than the row's heartbeat
    assert job_lost_worker(job, now=timezone.now() + STALE_AFTER + timedelta(minutes=1))
    assert job_mark_interrupted(job, now=timezone.now() + STALE_AFTER + timedelta(minutes=1))
    assert list((tmp_path / "jobs").glob("*.progress.*")) == []


def test_progress_without_a_total_says_how_far_it_has_gone(personas, login, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    job = job_create(school=personas.school, actor=personas.siro, kind="test", title="Import",
                     permission="school.view")
    job_started(job)
    job_progress(job, done=3000, message="Reading the file")
    content = login(personas.siro).get(
        reverse("jobs:job-detail", args=[job.public_id])).content.decode()
    assert "3000 so far" in content
    assert "Reading the file" in content
