"""A spider's arguments as they may be published: in ``crawls.arguments`` and
in the warcinfo record. Never a credential, neither by name nor inside a URL
(``-a base_url=http://user:pass@host``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

# An argument whose name holds one of these is left out.
SECRET_WORDS = ("password", "passwd", "secret", "token", "key", "auth", "credential")


def public_url(value: str) -> str:
    """*value* without the ``user:password@`` of a URL; other text as it is."""
    if "@" not in value or "://" not in value:
        return value
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return value
    if not (parts.username or parts.password):
        return value
    netloc = (parts.hostname or "") + (f":{port}" if port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def public_arguments(arguments: dict[str, Any]) -> dict[str, Any]:
    """*arguments* without credentials: secret-named arguments dropped, the
    userinfo of URLs (alone or in a list) removed."""
    clean: dict[str, Any] = {}
    for name, value in arguments.items():
        if any(word in str(name).lower() for word in SECRET_WORDS):
            continue
        if isinstance(value, str):
            value = public_url(value)
        elif isinstance(value, (list, tuple, set, frozenset)):
            value = [public_url(v) if isinstance(v, str) else v for v in value]
        clean[name] = value
    return clean
