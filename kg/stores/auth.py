"""Who the remote store says it is: HTTP Basic or Digest credentials for a SPARQL server.

Credentials come from the environment (``KG_STORE_USER`` and ``KG_STORE_PASSWORD``), else from a
netrc file (``$NETRC`` or ``~/.netrc``, the ``machine`` line of the server's host), else from the
store URL's userinfo (``http://user:pass@host/...``, accepted but never shown). They are sent only
when the server asks (a 401): its ``WWW-Authenticate`` challenge chooses Digest (Virtuoso's
``/sparql-auth``) or Basic, and that choice is kept for the store's later requests. Nothing here
prints a password; :func:`public_url` is the URL as messages show it, without userinfo.
"""

from __future__ import annotations

import netrc
import os
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import httpx

from kg.model.errors import KgError


@dataclass(frozen=True)
class Credentials:
    """A user name and password for one server (``repr`` hides the password)."""

    user: str
    password: str

    def __repr__(self) -> str:
        return f"Credentials(user={self.user!r}, password=***)"

    def answer(self, challenge: str) -> httpx.Auth:
        """The httpx auth that answers a server's ``WWW-Authenticate`` challenge."""
        scheme = challenge.strip().split(" ", 1)[0].lower()
        if scheme == "digest":
            return httpx.DigestAuth(self.user, self.password)
        if scheme == "basic":
            return httpx.BasicAuth(self.user, self.password)
        raise KgError(f"the server asks for {scheme or 'an unnamed'} authentication; "
                      "only Basic and Digest are supported")


def split_userinfo(url: str) -> tuple[str, Credentials | None]:
    """The URL without its userinfo, and the credentials the userinfo held (if any)."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None:
        return url, None
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    clean = urllib.parse.urlunsplit(parts._replace(netloc=netloc))
    user = urllib.parse.unquote(parts.username)
    return clean, Credentials(user, urllib.parse.unquote(parts.password or ""))


def public_url(url: str) -> str:
    """``url`` as it may be shown: without user name or password."""
    return split_userinfo(url)[0]


def credentials_for(url: str, given: Credentials | None = None) -> Credentials | None:
    """The credentials to answer ``url``'s server with: environment, then netrc, then ``given``
    (the URL's own userinfo)."""
    user, password = os.environ.get("KG_STORE_USER"), os.environ.get("KG_STORE_PASSWORD")
    if user:
        return Credentials(user, password or "")
    from_netrc = _netrc(urllib.parse.urlsplit(url).hostname or "")
    return from_netrc or given


def _netrc(host: str) -> Credentials | None:
    path = Path(os.environ.get("NETRC") or Path.home() / ".netrc")
    if not host or not path.is_file():
        return None
    try:
        entry = netrc.netrc(str(path)).authenticators(host)
    except (netrc.NetrcParseError, OSError) as exc:
        raise KgError(f"cannot read the netrc file: {getattr(exc, 'msg', exc)}", path) from exc
    if entry is None:
        return None
    login, _account, password = entry
    return Credentials(login or "", password or "")
