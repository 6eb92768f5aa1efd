import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from portal.accounts.models import User
from tests.cooperation.factories import CustomerFactory, UserFactory

PASSWORD = "correct horse battery"


@pytest.mark.django_db
class TestAddUser:
    def test_creates_a_decision_maker_tied_to_the_company(self, capsys):
        customer = CustomerFactory(business_id="0112038-9")
        call_command(
            "add_user",
            "CEO@Customer.example",
            "--role",
            "decision-maker",
            "--customer",
            "0112038-9",
            "--password",
            "s3cret-pass-phrase",
        )
        user = User.objects.get(email="ceo@customer.example")
        assert (user.email, user.role, user.customer) == ("ceo@customer.example", "decision-maker", customer)
        assert user.check_password("s3cret-pass-phrase")
        assert not user.is_staff
        assert "Created ceo@customer.example" in capsys.readouterr().out

    def test_rerunning_updates_the_same_user(self, capsys):
        call_command("add_user", "am@provider.example", "--role", "account-manager", "--password", "first-pass-phrase")
        call_command("add_user", "am@provider.example", "--role", "admin")
        user = User.objects.get()
        assert user.role == "admin" and user.is_staff and user.is_superuser
        assert user.check_password("first-pass-phrase"), "an update without --password keeps the password"
        assert "Updated am@provider.example" in capsys.readouterr().out

    def test_a_new_user_without_password_gets_one_printed_once(self, capsys):
        call_command("add_user", "quality@provider.example", "--role", "quality")
        printed = capsys.readouterr().out
        password = printed.split("Password: ")[1].strip()
        assert User.objects.get().check_password(password)

    @pytest.mark.parametrize(
        "args, message",
        [
            (["--role", "decision-maker"], "needs --customer"),
            (["--role", "supervisor", "--customer", "0112038-9"], "Unknown customer 0112038-9"),
            (["--role", "quality", "--customer", "0112038-9"], "Only decision-makers and supervisors"),
        ],
    )
    def test_bad_input_is_refused_and_changes_nothing(self, args, message):
        with pytest.raises(CommandError, match=message):
            call_command("add_user", "x@example.com", *args)
        assert not User.objects.filter(email="x@example.com").exists()


@pytest.mark.django_db
class TestSignIn:
    def test_sign_in_by_email_lands_on_the_home_page_and_sign_out(self, client):
        UserFactory(email="am@provider.example", full_name="Anna Manager")
        response = client.post(reverse("login"), {"username": "am@provider.example", "password": PASSWORD}, follow=True)
        assert response.redirect_chain[-1][0] == reverse("home")
        assert "Anna Manager" in response.content.decode()
        response = client.post(reverse("logout"), follow=True)
        assert response.redirect_chain[-1][0] == reverse("login")
        assert client.get(reverse("home")).status_code == 302

    def test_wrong_password_says_so(self, client):
        UserFactory(email="am@provider.example")
        response = client.post(
            reverse("login"), {"username": "am@provider.example", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response.status_code == 200
        assert "Please enter a correct email and password" in response.content.decode()

    def test_repeated_failures_lock_the_account_even_for_the_right_password(self, client, settings):
        UserFactory(email="am@provider.example")
        for _ in range(settings.AXES_FAILURE_LIMIT):
            client.post(reverse("login"), {"username": "am@provider.example", "password": "wrong"})
        response = client.post(reverse("login"), {"username": "am@provider.example", "password": PASSWORD})
        assert response.status_code == 429
        assert client.get(reverse("home")).status_code == 302, "not signed in"

    def test_pages_need_sign_in(self, client):
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def _sign_in(client, email: str, password: str, *, client_address: str):
    """A sign-in through one trusted reverse proxy (10.0.0.1) that appends the client's address."""
    return client.post(
        reverse("login"),
        {"username": email, "password": password},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR=client_address,
    )


@pytest.fixture
def behind_one_proxy(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}


@pytest.mark.django_db
class TestLockout:
    def test_one_client_behind_the_proxy_failing_does_not_lock_out_another(self, client, settings, behind_one_proxy):
        UserFactory(email="am@provider.example")
        UserFactory(email="quality@provider.example")
        for _ in range(settings.AXES_FAILURE_LIMIT):
            _sign_in(client, "am@provider.example", "wrong", client_address="198.51.100.7")
        locked = _sign_in(client, "quality@provider.example", PASSWORD, client_address="198.51.100.7")
        assert locked.status_code == 429, "the failing client itself is locked out"
        response = _sign_in(client, "quality@provider.example", PASSWORD, client_address="203.0.113.9")
        assert response.status_code == 302 and response["Location"] == reverse("home")

    def test_a_made_up_forwarded_address_does_not_make_a_new_client(self, client, settings, behind_one_proxy):
        UserFactory(email="quality@provider.example")
        for i in range(settings.AXES_FAILURE_LIMIT):
            _sign_in(client, f"nobody{i}@provider.example", "wrong", client_address=f"192.0.2.{i}, 198.51.100.7")
        response = _sign_in(client, "quality@provider.example", PASSWORD, client_address="192.0.2.99, 198.51.100.7")
        assert response.status_code == 429

    def test_failures_count_for_the_email_in_any_letter_case(self, client, settings):
        UserFactory(email="rt-sup@customer.example")
        spellings = ["rt-sup@customer.example", "RT-SUP@customer.example", "Rt-Sup@Customer.Example"]
        # From a new address each time, so that only the account's count can lock it.
        for i in range(settings.AXES_FAILURE_LIMIT):
            login = {"username": spellings[i % 3], "password": "wrong"}
            client.post(reverse("login"), login, REMOTE_ADDR=f"198.51.100.{i}")
        login = {"username": "RT-SUP@CUSTOMER.EXAMPLE", "password": PASSWORD}
        response = client.post(reverse("login"), login, REMOTE_ADDR="203.0.113.9")
        assert response.status_code == 429
        assert client.get(reverse("home")).status_code == 302, "not signed in"

    def test_sign_in_takes_the_email_in_any_letter_case(self, client, behind_one_proxy):
        UserFactory(email="rt-sup@customer.example")
        response = _sign_in(client, "RT-Sup@Customer.Example", PASSWORD, client_address="203.0.113.9")
        assert response.status_code == 302 and response["Location"] == reverse("home")
