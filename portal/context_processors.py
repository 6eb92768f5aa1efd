"""Template context every page gets."""

from surveys.emails import provider_name as _provider_name


def provider(request) -> dict:
    """The provider's name in the page's language (PROVIDER_NAME_FI, _SV, _EN)."""
    return {"provider_name": _provider_name()}
