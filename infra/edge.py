"""The web ACL in front of the site and the API (`infra/edge.yaml`): its per-IP limit on
posts and the answer past it. `make serve`'s dev server applies the same limit."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from klachtenportaal import CHANGE_PATH, CHECK_PATH, UPLOAD_PATH
from klachtenportaal.formatting import format_phone

if TYPE_CHECKING:
    from klachtenportaal.registry import Portal

TEMPLATE = Path(__file__).resolve().parent / "edge.yaml"
# Posts to the API one client IP may make per window: more than a person sends (a complaint,
# a form again after an error, a copy link, a status link), fewer than anyone mailing
# strangers needs.
POSTS_PER_IP = 10
# Posts that store and send nothing are not counted: checking answers, the form again to
# change one, asking where to upload a file. The limit on all requests holds them.
POSTS_NOT_COUNTED = (CHECK_PATH, CHANGE_PATH, UPLOAD_PATH)
POSTS_WINDOW_SECONDS = 300
# Requests of any kind to the API per IP and window: pages and posts of many people behind
# one address, and never enough to use up the API's shared throttle.
API_REQUESTS_PER_IP = 300


def too_many_posts_message(portal: Portal) -> str:
    return (f"Vanaf jouw internetverbinding zijn in korte tijd veel formulieren verstuurd. Er "
            f"is niets bewaard. Probeer het over tien minuten opnieuw, of bel "
            f"{format_phone(portal.phone)} ({portal.phone_hours}) of mail naar {portal.email}.")


def too_many_posts_json(portal: Portal) -> str:
    """The answer for the page's script, which shows `message`."""
    return json.dumps({"message": too_many_posts_message(portal)}, ensure_ascii=False)


def too_many_posts_html(portal: Portal) -> str:
    """The answer for a form post without script: a page the browser shows."""
    return ('<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>Even wachten - {escape(portal.name)}</title></head><body><main>"
            f"<h1>Even wachten</h1><p>{escape(too_many_posts_message(portal))}</p>"
            "</main></body></html>")


def edge_parameters(environment: str, portal: Portal) -> dict[str, str]:
    return {"Environment": environment, "PostsPerIp": str(POSTS_PER_IP),
            "PostsWindowSeconds": str(POSTS_WINDOW_SECONDS),
            "ApiRequestsPerIp": str(API_REQUESTS_PER_IP),
            "TooManyPostsJson": too_many_posts_json(portal),
            "TooManyPostsHtml": too_many_posts_html(portal)}
