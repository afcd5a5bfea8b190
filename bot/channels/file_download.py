"""Download a customer's file from a messaging app, server-side and without blocking the event loop.

The size limit is enforced while streaming (the download stops past 10 MB, whatever the app said), and the
kind is read from the first bytes (customer_files.kinds): a file that cannot be a picture, PDF or UTF-8 text
stops at once. Credentials (a bot token, Twilio's account auth) go only to the app's own hosts, on the first
request; a redirect (Twilio's media store) is followed without them. Error texts never contain the address (a
Telegram file address holds the bot token)."""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import aiohttp

from customer_files.kinds import MAX_FILE_BYTES, FileKind, kind_of, might_be_accepted

_CHUNK = 64 * 1024
_SNIFF_AT = 512  # bytes read before the first look at the kind
_REDIRECTS = 3
TIMEOUT = aiohttp.ClientTimeout(total=60, sock_connect=10, sock_read=20)


class FileProblem(Exception):
    """Why a file did not reach the ticket."""


class FileTooBig(FileProblem):
    pass


class FileNotAccepted(FileProblem):
    """Not a picture, PDF or plain text file, by its content."""


class FileNotFetched(FileProblem):
    """The app did not give us the file, or we could not pass it on (our side or theirs)."""


@dataclass(frozen=True)
class Downloaded:
    data: bytes
    kind: FileKind


@dataclass(frozen=True)
class Credentials:
    """What to send, and to which hosts only."""

    hosts: Collection[str]
    headers: dict[str, str] | None = None
    auth: aiohttp.BasicAuth | None = None


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def allowed_address(url: str, plain_http_hosts: Collection[str] = ()) -> bool:
    """https anywhere; plain http only to a configured local API (the tests' fakes)."""
    parts = urlsplit(url)
    return parts.scheme == "https" or (parts.scheme == "http" and host_of(url) in plain_http_hosts)


async def download(
    session: aiohttp.ClientSession,
    url: str,
    credentials: Credentials | None = None,
    max_bytes: int = MAX_FILE_BYTES,
) -> Downloaded:
    for hop in range(_REDIRECTS + 1):
        # Credentials go with the first request only, and only to the app's own host: a redirect (Twilio's
        # media store, a CDN) never gets them.
        trusted = hop == 0 and credentials is not None and host_of(url) in credentials.hosts
        try:
            async with session.get(
                url,
                headers=credentials.headers if trusted and credentials else None,
                auth=credentials.auth if trusted and credentials else None,
                allow_redirects=False,
                timeout=TIMEOUT,
            ) as response:
                if response.status in (301, 302, 303, 307, 308) and response.headers.get("Location"):
                    url = urljoin(url, response.headers["Location"])
                    continue
                if response.status != 200:
                    raise FileNotFetched(f"the app answered {response.status}")
                if "text/html" in (response.headers.get("Content-Type") or ""):
                    raise FileNotFetched("the app answered with a web page (a sign-in page?), not the file")
                return await _read(response, max_bytes)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise FileNotFetched(f"the app could not be reached ({type(exc).__name__})") from None
    raise FileNotFetched("too many redirects")


async def _read(response: aiohttp.ClientResponse, max_bytes: int) -> Downloaded:
    if response.content_length is not None and response.content_length > max_bytes:
        raise FileTooBig(f"{response.content_length} bytes")
    data = bytearray()
    looked = False
    async for chunk in response.content.iter_chunked(_CHUNK):
        data += chunk
        if len(data) > max_bytes:
            raise FileTooBig(f"more than {max_bytes} bytes")
        if not looked and len(data) >= _SNIFF_AT:
            looked = True
            if not might_be_accepted(bytes(data[:_SNIFF_AT])):
                raise FileNotAccepted("its first bytes are not a picture, PDF or text")
    whole = bytes(data)
    # A big text file takes tens of milliseconds to check: not on the event loop.
    kind = await asyncio.to_thread(kind_of, whole) if len(whole) > 256 * 1024 else kind_of(whole)
    if kind is None:
        raise FileNotAccepted("not a picture, PDF or text file")
    return Downloaded(whole, kind)
