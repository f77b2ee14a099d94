"""What stands in front of the API: only requests through the site's distribution, a limit
per client IP (the web ACL in AWS, the dev server locally), and the headers of every answer."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError
from complaint_form.dependencies import Dependencies, get_dependencies
from pydantic import SecretStr

from devserver.backend import LocalBackend
from devserver.server import LocalServer, make_server
from devserver.staff import LOCAL_ACCOUNTS, LocalStaffPool, totp_code
from klachtenportaal.registry import Registry
from tests.backend import (
    complaint_body,
    form_event,
    http_event,
    invoke,
    json_event,
    new_address,
    sent_emails,
    stored_items,
)

SECRET = "secret-cloudfront-adds"


def test_api_refuses_requests_that_came_around_the_distribution(
        deps: Dependencies, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN the function as deployed: it knows the secret CloudFront adds
    monkeypatch.setattr(deps, "settings", deps.settings.model_copy(
        update={"origin_secret": SecretStr(SECRET)}))
    # WHEN requests reach it directly, without the header or with a wrong one, valid or not
    for headers in ({}, {"x-origin-verify": "guessed"}, {"X-Origin-Verify": SECRET + "x"}):
        for event in (json_event(complaint_body()), json_event(complaint_body(email="fout")),
                      http_event(body="{bad"), http_event("GET", "/api/klachten/x/y/z",
                                                          content_type=None)):
            event["headers"].update(headers)
            answer = invoke(event)
            # THEN each is refused before anything of it is read, and nothing is stored
            assert answer["statusCode"] == 403, (headers, answer["body"][:200])
            assert "Gebruik het formulier op onze website" in answer["body"]
    assert stored_items(deps.settings.table_name) == []
    # AND through the distribution it is taken
    event = json_event(complaint_body())
    event["headers"]["x-origin-verify"] = SECRET
    assert invoke(event)["statusCode"] == 201


@pytest.mark.parametrize("headers", [
    {"origin": "https://evil.example"},
    {"origin": "null", "sec-fetch-site": "cross-site"},
    {"origin": "http://localhost:8000", "sec-fetch-site": "cross-site"},
], ids=["other origin", "hidden origin, cross-site", "cross-site fetch"])
def test_api_refuses_posts_another_site_makes_a_browser_send(
        deps: Dependencies, headers: dict[str, str]) -> None:
    # GIVEN a page elsewhere that makes its visitor's browser post the form, with a stranger's
    # address and text that would show on our pages if it were taken for a form with errors
    event = form_event(complaint_body(submission_id=None, consent=False,
                                      description="Bel 0900-1234 of ga naar evil.example"))
    event["headers"].update(headers)
    # WHEN it arrives
    answer = invoke(event)
    # THEN it is refused with a page that shows none of it; nothing is stored, sent or counted
    assert answer["statusCode"] == 403
    assert answer["headers"]["Content-Type"].startswith("text/html")
    assert "0900-1234" not in answer["body"]
    assert stored_items(deps.settings.table_name) == [] and sent_emails() == []
    # AND our own pages' posts still go through, with their origin shown or hidden (a page
    # with Referrer-Policy: no-referrer posts with Origin: null)
    for ours_headers in ({"origin": "http://localhost:8000", "sec-fetch-site": "same-origin"},
                         {"origin": "null", "sec-fetch-site": "same-origin"},
                         {"origin": "http://localhost:8000"}):
        ours = form_event(complaint_body(submission_id=None,
                                         description=f"Eigen klacht {uuid.uuid4()}"))
        ours["headers"].update(ours_headers)
        assert invoke(ours)["statusCode"] == 303, ours_headers


@pytest.mark.parametrize("event", [
    json_event(complaint_body(submission_id="5b0c1a9e-6c4f-4e57-9a3b-0f6e2d8c7a11")),
    json_event(complaint_body(email="fout")),
    http_event("GET", "/api/klachten/KPZ-2222-2222/ontvangstbevestiging/x", content_type=None),
], ids=["stored", "invalid", "page not found"])
def test_api_answers_are_not_cached_sniffed_or_framed(aws: object, event: dict[str, object]
                                                      ) -> None:
    # WHEN the API answers, whatever the answer
    headers = invoke(event)["headers"]
    # THEN nothing is kept in caches (answers name kenmerken), sniffed, framed or styled from
    # anywhere but the site
    assert headers["Cache-Control"] == "no-store"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp


@pytest.fixture
def dev_server(registry: Registry, tmp_path: Path,
               monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, LocalBackend]]:
    """The dev server's request handling on a free port, allowing 2 posts per IP; no site."""
    monkeypatch.setenv("ORIGIN_SECRET", SECRET)
    monkeypatch.setenv("MIN_FILL_SECONDS", "0")
    monkeypatch.setenv("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")
    deps = get_dependencies()
    monkeypatch.setattr(deps, "mailer", deps.mailer)  # the backend's outbox is this test's
    monkeypatch.setattr(deps, "settings", deps.settings.model_copy(
        update={"min_fill_seconds": 0}))
    backend = LocalBackend(tmp_path / "outbox", registry)
    server: LocalServer = make_server("127.0.0.1", 0, tmp_path, backend, posts_per_ip=2)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", backend
    finally:
        server.shutdown()
        server.server_close()
        backend.close()


def post(url: str, body: bytes, content_type: str) -> tuple[int, str, str]:
    request = urllib.request.Request(url + "/api/klachten", data=body,
                                     headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request) as answer:
            return answer.status, answer.headers["Content-Type"], answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def test_dev_server_limits_posts_per_ip_as_the_web_acl_does(
        dev_server: tuple[str, LocalBackend]) -> None:
    url, backend = dev_server
    # GIVEN one client that has posted as often as allowed
    for _ in range(2):
        body = complaint_body(submission_id=str(uuid.uuid4()), email=new_address())
        status, _, text = post(url, json.dumps(body).encode(), "application/json")
        assert status == 201, text
    # WHEN it posts again, from script or as a form
    status, content_type, text = post(
        url, json.dumps(complaint_body(submission_id=str(uuid.uuid4()),
                                       email=new_address())).encode(), "application/json")
    # THEN it gets 429 with a Dutch message that offers phone and e-mail; nothing is stored
    assert status == 429 and content_type.startswith("application/json")
    message = json.loads(text)["message"]
    assert "Er is niets bewaard" in message and "0228 322 205" in message
    status, content_type, page = post(url, b"name=x", "application/x-www-form-urlencoded")
    assert status == 429 and content_type.startswith("text/html")
    assert '<html lang="nl">' in page and "info@klachtenportaalzorg.nl" in page
    assert len(backend.references()) == 2


def test_dev_server_replays_what_ses_reports_on_an_email(
        dev_server: tuple[str, LocalBackend]) -> None:
    url, backend = dev_server
    # GIVEN a stored complaint whose ontvangstbevestiging went out
    body = complaint_body(submission_id=str(uuid.uuid4()), email=new_address())
    status, _, text = post(url, json.dumps(body).encode(), "application/json")
    assert status == 201, text
    reference = json.loads(text)["reference"]

    def replay(path: str) -> tuple[int, str]:
        request = urllib.request.Request(f"{url}/_dev/klachten/{path}", method="POST")
        try:
            with urllib.request.urlopen(request) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    # WHEN a developer replays a bounce on it
    status, text = replay(f"{reference}/confirmation/Bounce")
    # THEN the complaint shows it, as it would in AWS
    assert status == 200
    item = json.loads(text)
    assert item["emails"]["confirmation"]["delivery"] == "bounced"
    assert item["delivery_problem"] is True
    # AND what does not exist is not found
    for path in (f"{reference}/copy/Bounce", f"{reference}/confirmation/Open",
                 "KPZ-2222-2222/confirmation/Bounce", f"{reference}/confirmation"):
        assert replay(path)[0] == 404, path
    assert backend.stored(reference) == item


def test_dev_server_sends_the_distributions_headers_for_site_and_api(
        dev_server: tuple[str, LocalBackend]) -> None:
    url, _ = dev_server
    # WHEN an API page is asked for through the dev server, as through CloudFront
    try:
        urllib.request.urlopen(f"{url}/api/klachten/KPZ-2222-2222/ontvangstbevestiging/x")
        raise AssertionError("an unknown page was found")
    except urllib.error.HTTPError as error:
        headers = error.headers
    # THEN the function's own policy stands: no referrer, its strict CSP; HSTS aside
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert headers["X-Frame-Options"] == "DENY"
    # AND a site page gets the site's policy
    try:
        urllib.request.urlopen(f"{url}/bestaat-niet/")
    except urllib.error.HTTPError as error:
        site = error.headers
    assert site["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "script-src 'self'" in site["Content-Security-Policy"]


@pytest.mark.parametrize("length_headers", [
    "Content-Length: -1\r\n",
    "Transfer-Encoding: chunked\r\n",
    "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
], ids=["negative length", "chunked", "both"])
def test_dev_server_reads_api_bodies_only_by_their_length(
        dev_server: tuple[str, LocalBackend], length_headers: str) -> None:
    url, backend = dev_server
    host, port = url.removeprefix("http://").split(":")
    # WHEN a post gives no valid length, as API Gateway would not pass on
    with socket.create_connection((host, int(port))) as connection:
        connection.sendall(("POST /api/klachten HTTP/1.1\r\nHost: x\r\n"
                            "Content-Type: application/json\r\n" + length_headers
                            + "\r\n5\r\n{...}\r\n0\r\n\r\n").encode())
        answer = connection.recv(4096).decode()
    # THEN it is refused, and nothing is stored
    assert answer.startswith("HTTP/1.1 411"), answer[:80]
    assert backend.references() == []


def sign_in(pool: LocalStaffPool, username: str, password: str, code: str) -> str:
    """An ID token, signed in as the behandelomgeving does: password, then the TOTP code."""
    cognito = boto3.client("cognito-idp", region_name=pool.region)
    challenge = cognito.initiate_auth(
        ClientId=pool.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password})
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    answer = cognito.respond_to_auth_challenge(
        ClientId=pool.client_id, ChallengeName="SOFTWARE_TOKEN_MFA",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": username, "SOFTWARE_TOKEN_MFA_CODE": code})
    return str(answer["AuthenticationResult"]["IdToken"])


def get_staff(url: str, token: str | None) -> int:
    request = urllib.request.Request(f"{url}/api/staff/klachten", headers=(
        {"Authorization": f"Bearer {token}"} if token else {}))
    try:
        with urllib.request.urlopen(request) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_dev_server_lets_only_signed_in_staff_with_mfa_through_as_the_authorizer_does(
        dev_server: tuple[str, LocalBackend]) -> None:
    url, backend = dev_server
    pool = backend.staff_pool
    username = "functionaris@klachtenportaal.local"
    password = LOCAL_ACCOUNTS[username][0]
    # GIVEN a local account: a wrong TOTP code gets no token
    with pytest.raises(ClientError):
        sign_in(pool, username, password, "000000" if totp_code() != "000000" else "111111")
    # WHEN it signs in with password and code THEN its ID token opens the staff API
    token = sign_in(pool, username, password, totp_code())
    assert get_staff(url, token) == 200
    # AND without a token, with a forged one, or once expired, the server answers 401
    assert get_staff(url, None) == 401
    assert get_staff(url, token[:-4] + "AAAA") == 401
    assert pool.claims(token, now=time.time() + 2 * 3600) is None
    # AND a token of another pool is refused
    other = LocalStaffPool.create()
    assert get_staff(url, sign_in(other, username, password, totp_code())) == 401
    # AND an account without a staff group is signed in but not allowed
    pool.add_account("stagiair@klachtenportaal.local", "Lokaal-Wachtwoord-3", [])
    assert get_staff(url, sign_in(pool, "stagiair@klachtenportaal.local",
                                  "Lokaal-Wachtwoord-3", totp_code())) == 403
