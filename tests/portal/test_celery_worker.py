import pytest

from portal.tasks import send_test_email
from tests.workers import celery_worker, wait_until


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_the_configured_broker_runs_a_task(tmp_path):
    outbox = tmp_path / "outbox"
    with celery_worker(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend", EMAIL_FILE_PATH_OVERRIDE=str(outbox)
    ):
        send_test_email.delay("ops@provider.example")
        wait_until(lambda: outbox.exists() and any(outbox.iterdir()), timeout=60, what="email from the worker")
    message = next(outbox.iterdir()).read_text()
    assert "To: ops@provider.example" in message
    assert "can send email" in message
