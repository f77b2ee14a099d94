"""Headers on every answer of both functions (the public form's and the staff's), and the
one every request must bring."""

from __future__ import annotations

from collections.abc import Mapping
from hmac import compare_digest
from urllib.parse import urlsplit

from pydantic import SecretStr

from klachtenportaal import ORIGIN_HEADER

# On every answer: answers name kenmerken and paths hold page secrets, so nothing is cached
# or passed on as referrer; nothing is sniffed or framed; pages load only the site's
# stylesheet (CloudFront's policy for /api/* keeps these and adds HSTS).
_CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action {forms}; "
        "frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": _CSP.format(forms="'self'"),
}


def csp_with_form_action(url: str) -> str:
    """The pages' policy, letting forms post to `url`'s origin too (a file's upload to S3)."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
    return _CSP.format(forms=f"'self' {origin}".strip())


def through_the_site(headers: Mapping[str, str], secret: SecretStr | None) -> bool:
    """Whether the request came through CloudFront, which adds the secret (`headers` with
    lower-case names); always so where nothing stands in front (`secret` unset: tests)."""
    return secret is None or compare_digest(headers.get(ORIGIN_HEADER, "").encode(),
                                            secret.get_secret_value().encode())


def viewer_ip(headers: Mapping[str, str], source_ip: str) -> str:
    """The address of whoever sent the request: CloudFront sets it ("ip:port") and a client
    cannot; without CloudFront (tests, local runs), the connection's."""
    viewer = str(headers.get("cloudfront-viewer-address", ""))
    return viewer.rsplit(":", 1)[0] if viewer else source_ip
