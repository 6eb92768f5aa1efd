import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Every test makes users; the production hasher would spend most of the run hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
