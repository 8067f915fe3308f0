"""Fetch a public data file over HTTP(S), with limits and messages a user can act on.

Statistics offices and research vendors publish CSVs at stable addresses. A
wrong link usually answers with an error page or a login page, not with an
exception worth showing, so every failure becomes a LoadError in plain words.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import unquote, urlparse

import requests

from data.readers import UPLOAD_LIMIT_MB
from data.report import LoadError

TIMEOUT_S = 15
CHUNK = 1 << 16
_TYPE_EXTENSIONS = {
    "text/csv": ".csv",
    "application/csv": ".csv",
    "text/tab-separated-values": ".tsv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.apache.parquet": ".parquet",
    "application/x-parquet": ".parquet",
}


def fetch(url: str, *, timeout: float = TIMEOUT_S, limit_mb: float = UPLOAD_LIMIT_MB) -> tuple[str, bytes]:
    """The file name and bytes at `url`; LoadError with the reason if it cannot be had."""
    parsed = urlparse(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise LoadError(f"“{url[:80]}” is not a web address. Paste a link starting with https://.")
    host = parsed.hostname or parsed.netloc
    try:
        response = requests.get(url.strip(), stream=True, timeout=timeout, headers={"Accept": "*/*"})
    except requests.exceptions.Timeout:
        raise LoadError(f"{host} did not answer within {timeout:.0f} s. Try again later or check the address.") from None
    except requests.exceptions.ConnectionError:
        raise LoadError(f"Could not reach {host}. Check the address and that this machine can reach it.") from None
    except requests.exceptions.RequestException as exc:
        raise LoadError(f"Could not fetch {url[:80]}: {type(exc).__name__}. Check the address.") from None
    with response:
        if response.status_code >= 400:
            raise LoadError(
                f"{host} answered {response.status_code} {response.reason or ''}".rstrip()
                + ". Check that the link is right and the file is public."
            )
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type in ("text/html", "application/xhtml+xml"):
            raise LoadError(
                f"{url[:80]} is a web page, not a data file. Open it in a browser and copy the link "
                "of the CSV, Excel or Parquet download instead."
            )
        declared = int(response.headers.get("Content-Length") or 0)
        if declared > limit_mb * 1e6:
            raise LoadError(f"The file at {host} is {declared / 1e6:,.0f} MB, over the {limit_mb:.0f} MB limit.")
        content = _read_limited(response, limit_mb, host, timeout)
    return _file_name(parsed.path, content_type), content


def _read_limited(response: requests.Response, limit_mb: float, host: str, timeout: float) -> bytes:
    chunks, size = [], 0
    try:
        for chunk in response.iter_content(CHUNK):
            size += len(chunk)
            if size > limit_mb * 1e6:
                raise LoadError(f"The file at {host} is over the {limit_mb:.0f} MB limit; stopped reading.")
            chunks.append(chunk)
    except requests.exceptions.RequestException:
        raise LoadError(f"The download from {host} broke off. Try again.") from None
    return b"".join(chunks)


def _file_name(path: str, content_type: str) -> str:
    name = PurePosixPath(unquote(path)).name or "download"
    if not PurePosixPath(name).suffix and content_type in _TYPE_EXTENSIONS:
        name += _TYPE_EXTENSIONS[content_type]
    return name
