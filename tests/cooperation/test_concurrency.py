"""Two people (or two integration requests) at once: the database keeps one truth.

These run real transactions in two threads, so they need PostgreSQL's row locks; SQLite takes
the whole database for each writer and cannot show the race."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from cooperation import services
from cooperation.models import Employee, PhaseTransition
from tests.cooperation.factories import AgreementFactory, CustomerFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def run_together(action, n: int = 2) -> list:
    """Run ``action()`` in ``n`` threads released at the same moment; answer results or errors."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def worker(i: int) -> None:
        try:
            barrier.wait()
            results[i] = action()
        except Exception as e:  # noqa: BLE001 - the test inspects what each thread met
            results[i] = e
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_two_people_moving_an_agreement_at_once_move_it_one_step():
    agreement = AgreementFactory(customer_responsibility_goals="Goals recorded.")
    users = [UserFactory(), UserFactory()]
    turn = iter(users)
    lock = threading.Lock()

    def advance():
        with lock:
            by = next(turn)
        return services.agreement_advance(agreement=agreement, to_phase="identification", by=by)

    results = run_together(advance)
    assert sorted(type(r).__name__ for r in results) == ["ResponsibilityAgreement", "ValidationError"]
    assert PhaseTransition.objects.filter(agreement=agreement).count() == 1


def test_two_upserts_of_the_same_new_employee_make_one_employee():
    customer = CustomerFactory()
    results = run_together(lambda: services.employee_upsert(customer=customer, external_id="p-1", language="sv"), n=4)
    assert not [r for r in results if isinstance(r, Exception | ValidationError)], results
    assert Employee.objects.filter(customer=customer, external_id="p-1").count() == 1
    assert sum(created for _employee, created in results) == 1
