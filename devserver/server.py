"""One HTTP server for the site (static files) and the API (through the Lambda handler)."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import traceback
from collections import defaultdict, deque
from collections.abc import Iterable
from contextlib import suppress
from datetime import date
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from botocore.exceptions import ClientError, ParamValidationError
from complaint_form.models import EMAIL_KINDS

from devserver.backend import COGNITO_PATH, LocalBackend
from devserver.events import from_response, to_event
from devserver.ses_events import EVENT_TYPES
from devserver.staff import LOCAL_ACCOUNTS, TOTP_SECRET
from devserver.uploads import UPLOAD_PREFIX, PostRefusedError
from infra import edge
from infra.deploy import inline_script_hashes
from infra.template import security_headers
from klachtenportaal import ORIGIN_HEADER
from klachtenportaal.attachments import MAX_FILE_BYTES
from sitegen.cli import build
from sitegen.incremental import FullBuildNeededError, IncrementalSite
from sitegen.loader import RegistryError, RegistryLoader

# What the behandelomgeving's page asks of Cognito: signing in, nothing else.
SIGN_IN_OPERATIONS = frozenset({"InitiateAuth", "RespondToAuthChallenge",
                                "AssociateSoftwareToken", "VerifySoftwareToken"})
# As often as the retry function's schedule in infra/template.yaml runs it.
RETRY_SECONDS = 60.0
API_PREFIX = "/api/"
REMINDER_PATH = "/_dev/herinnering"
RETENTION_PATH = "/_dev/bewaartermijn"
# CloudFront tells the origin the viewer's address in this header (a client cannot set it).
VIEWER_ADDRESS = "cloudfront-viewer-address"
STAFF_PREFIX = "/api/staff/"
# The one staff route without the authorizer (infra/template.yaml): where to sign in.
STAFF_CONFIG = "/api/staff/config"
DEV_PREFIX = "/_dev/klachten/"
# API Gateway refuses larger payloads before they reach the Lambda.
MAX_REQUEST_BYTES = 10 * 1024 * 1024
# An upload's post: the largest file and its form fields.
MAX_UPLOAD_BYTES = MAX_FILE_BYTES + 64 * 1024


class PostLimit:
    """Posts per client IP in a sliding window: what the web ACL's rate-based rules do in
    front of the API in AWS (infra/edge.yaml)."""

    def __init__(self, limit: int, window_seconds: float) -> None:
        self.limit = limit
        self.window = window_seconds
        self._posts: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def allow(self, ip: str, now: float) -> bool:
        with self._lock:
            recent = self._posts[ip]
            # Oldest first: only the posts that left the window are looked at.
            while recent and recent[0] <= now - self.window:
                recent.popleft()
            if len(recent) >= self.limit:
                return False
            recent.append(now)
            return True


class LocalServer(ThreadingHTTPServer):
    """A thread per connection (browsers keep connections open); the backend behind it
    still takes one request at a time, as one Lambda instance does."""

    request_queue_size = 512
    daemon_threads = True


class Handler(SimpleHTTPRequestHandler):
    backend: LocalBackend
    post_limit: PostLimit
    # What CloudFront's response headers policies set: name, value, replacing the origin's.
    site_headers: list[tuple[str, str, bool]]
    api_headers: list[tuple[str, str, bool]]
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle's algorithm the body then
    # waits for the client's delayed ACK before it leaves.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        if self.path.startswith(API_PREFIX):
            self._api()
        elif self.path.startswith(DEV_PREFIX):
            self._stored()
        elif self.path.startswith(UPLOAD_PREFIX):
            self._download()
        else:
            super().do_GET()

    def do_HEAD(self) -> None:
        if self.path.startswith(API_PREFIX):
            self._api()
        else:
            super().do_HEAD()

    def do_POST(self) -> None:
        if self.path.split("?")[0] == REMINDER_PATH:
            self._reminder()
        elif self.path == RETENTION_PATH:
            self._reply(HTTPStatus.OK, [("Content-Type", "application/json; charset=utf-8")],
                        json.dumps(self.backend.retention()).encode())
        elif self.path.startswith(DEV_PREFIX):
            self._replay_email_event()
        elif self.path == COGNITO_PATH:
            self._cognito()
        elif self.path.startswith(UPLOAD_PREFIX):
            self._upload()
        else:
            self._api_only()

    def do_PUT(self) -> None:
        self._api_only()

    def do_PATCH(self) -> None:
        self._api_only()

    def do_DELETE(self) -> None:
        self._api_only()

    def do_OPTIONS(self) -> None:
        self._api_only()

    def _api_only(self) -> None:
        if self.path.startswith(API_PREFIX):
            self._api()
        else:
            self._reply(HTTPStatus.METHOD_NOT_ALLOWED, [("Allow", "GET, HEAD")], b"")

    def _api(self) -> None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or "Transfer-Encoding" in self.headers:
            # API Gateway reads a body by its length; this server reads no other kind.
            self.close_connection = True
            self._reply(HTTPStatus.LENGTH_REQUIRED, [("Content-Type", "application/json")],
                        b'{"message": "Het verzoek heeft geen geldige lengte."}')
            return
        if length > MAX_REQUEST_BYTES:
            self.close_connection = True
            self._reply(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                        [("Content-Type", "application/json")],
                        b'{"message": "Het verzoek is te groot."}')
            return
        body = self.rfile.read(length) if length else b""
        counted = self.command == "POST" and self.path.split("?")[0] not in edge.POSTS_NOT_COUNTED
        if counted and not self.post_limit.allow(self.client_address[0], time.monotonic()):
            self._too_many_posts()
            return
        # As CloudFront does: the origin secret replaces any header of that name.
        sent = {name: value for name, value in self.headers.items()
                if name.lower() not in (ORIGIN_HEADER, VIEWER_ADDRESS)}
        sent[ORIGIN_HEADER] = os.environ["ORIGIN_SECRET"]
        host, port = self.client_address[:2]
        sent[VIEWER_ADDRESS] = f"{host}:{port}"
        event = to_event(self.command, self.path, sent, body, self.client_address[0])
        if self.path.startswith(STAFF_PREFIX) and self.path != STAFF_CONFIG:
            claims = self._signed_in()
            if claims is None:
                # As API Gateway's JWT authorizer answers.
                self._reply(HTTPStatus.UNAUTHORIZED, [("Content-Type", "application/json")],
                            b'{"message":"Unauthorized"}')
                return
            event["requestContext"]["authorizer"] = {"jwt": {"claims": claims, "scopes": None}}
        try:
            response = (self.backend.handle_staff(event) if self.path.startswith(STAFF_PREFIX)
                        else self.backend.handle(event))
        except Exception as exc:
            sys.stderr.write(f"lambda_failed {type(exc).__name__}\n")
            response = {"statusCode": 502, "headers": {"Content-Type": "application/json"},
                        "body": '{"message": "Internal Server Error"}'}
        status, headers, data = from_response(response)
        self._reply(status, headers, b"" if self.command == "HEAD" else data)

    def _signed_in(self) -> dict[str, str] | None:
        """The ID token's claims as the authorizer hands them over (lists as one string),
        if the request bears a valid token of the staff pool."""
        scheme, _, token = (self.headers.get("Authorization") or "").partition(" ")
        claims = (self.backend.staff_pool.claims(token.strip())
                  if scheme.lower() == "bearer" else None)
        if claims is None:
            return None
        return {name: f"[{' '.join(value)}]" if isinstance(value, list)
                else str(value).lower() if isinstance(value, bool) else str(value)
                for name, value in claims.items()}

    def _too_many_posts(self) -> None:
        portal = self.backend.deps.registry.portal
        if "json" in (self.headers.get("Content-Type") or "").lower():
            content_type, data = "application/json", edge.too_many_posts_json(portal)
        else:
            content_type, data = "text/html", edge.too_many_posts_html(portal)
        self._reply(HTTPStatus.TOO_MANY_REQUESTS, [("Content-Type", content_type)],
                    data.encode())

    def _stored(self) -> None:
        """Development only: what was stored (all references, or one complaint)."""
        reference = self.path.removeprefix(DEV_PREFIX).strip("/")
        item: Any = self.backend.stored(reference) if reference else self.backend.references()
        status = HTTPStatus.OK if item is not None else HTTPStatus.NOT_FOUND
        data = json.dumps(item, ensure_ascii=False, indent=2).encode()
        self._reply(status, [("Content-Type", "application/json; charset=utf-8")], data)

    def _cognito(self) -> None:
        """Development only: Cognito's sign-in calls from the behandelomgeving's page (its
        JSON protocol), answered by moto's Cognito as cognito-idp would answer them."""
        operation = (self.headers.get("X-Amz-Target") or "").removeprefix(
            "AWSCognitoIdentityProviderService.")
        length = int(self.headers.get("Content-Length") or 0)
        arguments = json.loads(self.rfile.read(length) or b"{}") if length < 100_000 else None
        status, answer = HTTPStatus.OK, {}
        if operation not in SIGN_IN_OPERATIONS or not isinstance(arguments, dict):
            status, answer = HTTPStatus.BAD_REQUEST, {"__type": "InvalidParameterException"}
        else:
            try:
                answer = self.backend.cognito(operation, arguments)
            except (ClientError, ParamValidationError) as exc:
                code = (exc.response["Error"]["Code"] if isinstance(exc, ClientError)
                        else "InvalidParameterException")
                status, answer = HTTPStatus.BAD_REQUEST, {"__type": code}
        self._reply(status, [("Content-Type", "application/x-amz-json-1.1")],
                    json.dumps(answer, default=str).encode())

    def _upload(self) -> None:
        """Development only: a browser's upload of one attachment, as S3 takes it (a POST
        with a presigned policy): 204, or 303 to its `success_action_redirect`, or S3's
        error."""
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_UPLOAD_BYTES:
            self.close_connection = True
            refused = PostRefusedError(400, "EntityTooLarge", "Your proposed upload exceeds "
                                                              "the maximum allowed size")
            self._reply(refused.status, [("Content-Type", "application/xml")], refused.as_xml())
            return
        body = self.rfile.read(length)
        bucket = self.path.removeprefix(UPLOAD_PREFIX).strip("/")
        try:
            redirect = self.backend.upload(bucket, self.headers.get("Content-Type") or "", body)
        except PostRefusedError as refused:
            self._reply(refused.status, [("Content-Type", "application/xml")], refused.as_xml())
            return
        if redirect:
            self._reply(HTTPStatus.SEE_OTHER, [("Location", redirect)], b"")
        else:
            self._reply(HTTPStatus.NO_CONTENT, [], b"")

    def _download(self) -> None:
        """Development only: an attachment through its presigned link, as S3 serves it."""
        parts = urlsplit(self.path)
        bucket, _, key = parts.path.removeprefix(UPLOAD_PREFIX).partition("/")
        query = {name: values[0] for name, values in parse_qs(parts.query).items()}
        try:
            data, headers = self.backend.download(bucket, unquote(key), query)
        except (PostRefusedError, KeyError, ValueError, ClientError):
            self._reply(HTTPStatus.FORBIDDEN, [("Content-Type", "application/xml")],
                        PostRefusedError(403, "AccessDenied", "Access Denied").as_xml())
            return
        self._reply(HTTPStatus.OK, headers, data)

    def _replay_email_event(self) -> None:
        """Development only: POST /_dev/klachten/<kenmerk>/<e-mail>/<event>, for example
        /_dev/klachten/KPZ-7K4M-Q9XD/confirmation/Bounce: what SES would report on that
        e-mail, handed to the events function; the stored complaint afterwards."""
        parts = self.path.removeprefix(DEV_PREFIX).strip("/").split("/")
        kind = next((kind for kind in EMAIL_KINDS if len(parts) == 3 and kind == parts[1]),
                    None)
        item = None
        if kind is not None and parts[2] in EVENT_TYPES:
            with suppress(LookupError):
                item = self.backend.replay_email_event(parts[0], kind, parts[2])
        status = HTTPStatus.OK if item is not None else HTTPStatus.NOT_FOUND
        data = json.dumps(item, ensure_ascii=False, indent=2).encode()
        self._reply(status, [("Content-Type", "application/json; charset=utf-8")], data)

    def _reminder(self) -> None:
        """Development only: POST /_dev/herinnering runs the daily reminder now, as its
        schedule does on working days at 08:00; ?dag=2026-11-30 runs it for that day. Its
        e-mail goes to the outbox; the answer says what it did."""
        day = parse_qs(urlsplit(self.path).query).get("dag", [None])[0]
        try:
            on = date.fromisoformat(day) if day else None
        except ValueError:
            self._reply(HTTPStatus.BAD_REQUEST, [], b"dag: YYYY-MM-DD")
            return
        result = self.backend.reminder(on)
        self._reply(HTTPStatus.OK, [("Content-Type", "application/json; charset=utf-8")],
                    json.dumps(result).encode())

    def _reply(self, status: int, headers: Iterable[tuple[str, str]], data: bytes) -> None:
        self.send_response(status)
        policy = self.api_headers if self.path.startswith(API_PREFIX) else []
        replaced = {name.lower() for name, _, override in policy if override}
        names = set()
        for name, value in headers:
            names.add(name.lower())
            if name.lower() not in replaced:
                self.send_header(name, value)
        for name, value, override in policy:
            if override or name.lower() not in names:
                self.send_header(name, value)
        if "content-length" not in names:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def end_headers(self) -> None:
        if not self.path.startswith(API_PREFIX):
            for name, value, _ in self.site_headers:
                self.send_header(name, value)
        super().end_headers()

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        if code == HTTPStatus.NOT_IMPLEMENTED:
            # A method nobody handles (TRACE, CONNECT ...): a client error, as API Gateway says.
            self._reply(HTTPStatus.METHOD_NOT_ALLOWED, [("Allow", "GET, HEAD, POST, OPTIONS")],
                        b"")
            return
        page = Path(self.directory) / "404.html"
        if code == HTTPStatus.NOT_FOUND and page.exists():
            self._reply(code, [("Content-Type", "text/html; charset=utf-8")], page.read_bytes())
            return
        super().send_error(code, message, explain)

    def log_message(self, format: str, *args: Any) -> None:
        if "/_dev/" not in self.path:
            sys.stderr.write(f"{self.command} {self.path} {args[1] if len(args) > 1 else ''}\n")


def _signature(paths: Iterable[Path]) -> tuple[float, int]:
    """Newest change and number of files: a file saved, added or removed changes it."""
    latest, count = 0.0, 0
    for root in paths:
        for file in [root, *root.rglob("*")] if root.is_dir() else [root]:
            with suppress(FileNotFoundError):  # an editor replacing the file just now
                latest = max(latest, file.stat().st_mtime)
                count += 1
    return latest, count


class Rebuilder(threading.Thread):
    """Keeps the served site in step with edits: when only providers changed, their pages are
    updated in place; anything else, or a registry with a mistake, rebuilds the whole site
    (which reports the mistake and keeps the previous site)."""

    def __init__(self, backend: LocalBackend, loader: RegistryLoader, registry: Path,
                 site_dir: Path) -> None:
        super().__init__(daemon=True, name="rebuilder")
        self.backend = backend
        self.loader = loader
        self.site: IncrementalSite | None = None
        self.registry = registry
        self.site_dir = site_dir
        packages = Path(__file__).resolve().parent.parent
        self.sources = [Path("docs"), Path("mkdocs.yml"), packages / "sitegen" / "templates",
                        packages / "klachtenportaal" / "templates"]

    def run(self) -> None:
        self.site = self._site_as_built()
        seen = _signature(self.sources), _signature([self.registry])
        while True:
            time.sleep(0.2)
            now = seen
            try:
                now = _signature(self.sources), _signature([self.registry])
                if now != seen:
                    self._catch_up(sources_changed=now[0] != seen[0])
            except Exception:
                # A watcher that stopped would leave the site stale without a word.
                traceback.print_exc()
            seen = now

    def _catch_up(self, sources_changed: bool) -> None:
        started = time.perf_counter()
        if not sources_changed and self._update_providers():
            how = "providers updated"
        else:
            registry_before = _signature([self.registry])
            if build(self.registry, self.site_dir, Path("mkdocs.yml")) != 0:
                return  # the previous site is served, and self.site still describes it
            # Saved again while it built: the next round builds again.
            self.site = (self._site_as_built() if _signature([self.registry]) == registry_before
                         else None)
            how = "site rebuilt"
        print(f"{how} in {time.perf_counter() - started:.2f} s", file=sys.stderr)

    def _update_providers(self) -> bool:
        if self.site is None:
            return False
        try:
            registry = self.loader.load(self.registry)
            self.site.update(registry)
        except (RegistryError, FullBuildNeededError, OSError):
            return False  # the full build reports what is wrong
        self.backend.use_registry(registry)
        return True

    def _site_as_built(self) -> IncrementalSite | None:
        """The built site, ready for updates in place; the backend takes its registry."""
        try:
            registry = self.loader.load(self.registry)
        except (RegistryError, OSError):
            return None  # the build reported it; the previous site and registry stay
        self.backend.use_registry(registry)
        try:
            return IncrementalSite(self.site_dir, os.environ.get("SITE_URL", ""), registry)
        except (FullBuildNeededError, OSError):
            return None


class Schedule(threading.Thread):
    """Stands in for EventBridge Scheduler: runs the retry function every `seconds`."""

    def __init__(self, backend: LocalBackend, seconds: float) -> None:
        super().__init__(daemon=True, name="schedule")
        self.backend = backend
        self.seconds = seconds

    def run(self) -> None:
        while True:
            time.sleep(self.seconds)
            try:
                self.backend.retry()
            except Exception:
                # A schedule that stopped would leave e-mails pending without a word.
                traceback.print_exc()


def make_server(host: str, port: int, site_dir: Path, backend: LocalBackend,
                posts_per_ip: int = edge.POSTS_PER_IP) -> LocalServer:
    limit = PostLimit(posts_per_ip, edge.POSTS_WINDOW_SECONDS)
    site_headers = security_headers("SecurityHeaders",
                                    " ".join(inline_script_hashes(site_dir)))
    handler = partial(type("BoundHandler", (Handler,), {
        "backend": backend, "post_limit": limit, "site_headers": site_headers,
        "api_headers": security_headers("ApiSecurityHeaders")}),
        directory=str(site_dir.resolve()))
    return LocalServer((host, port), handler)


def serve(host: str, port: int, site_dir: Path, registry: Path, outbox: Path,
          watch: bool = True, posts_per_ip: int = edge.POSTS_PER_IP,
          retry_seconds: float = RETRY_SECONDS) -> int:
    if build(registry, site_dir, Path("mkdocs.yml")) != 0:
        return 1
    loader = RegistryLoader()
    backend = LocalBackend(outbox, loader.load(registry))
    server = make_server(host, port, site_dir, backend, posts_per_ip)
    Schedule(backend, retry_seconds).start()
    if watch:
        Rebuilder(backend, loader, registry, site_dir).start()
    print(f"Serving http://localhost:{port}/ : the site, and the complaint form backend at "
          f"{API_PREFIX}klachten (AWS emulated by moto). E-mails are copied to {outbox}/.",
          file=sys.stderr)
    accounts = ", ".join(f"{name} / {password}" for name, (password, _) in LOCAL_ACCOUNTS.items())
    print(f"Staff API at {STAFF_PREFIX}klachten: local accounts {accounts}; TOTP secret for an "
          f"authenticator app: {TOTP_SECRET}", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        backend.close()
    return 0
