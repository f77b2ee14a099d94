"""Load: a few hundred submissions through the local HTTP server from concurrent clients
(`make bench` sends 10,000)."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
import uuid
from collections import Counter

import pytest

from tests.backend import complaint_body, new_address
from tests.local_product import LocalProduct

pytestmark = pytest.mark.build

SUBMISSIONS = 300
CLIENTS = 8


def test_local_serve_concurrent_submissions_are_all_stored_and_confirmed(
        product: LocalProduct) -> None:
    before = set(product.references())
    emails_before = len(product.emails())
    statuses: Counter[int] = Counter()
    references: list[str] = []
    lock = threading.Lock()
    numbers = iter(range(SUBMISSIONS))

    def client() -> None:
        for _ in iter(lambda: next(numbers, None), None):
            body = json.dumps(complaint_body(submission_id=str(uuid.uuid4()),
                                             email=new_address())).encode()
            request = urllib.request.Request(product.url + "api/klachten", data=body,
                                             headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=120) as answer:
                    status, data = answer.status, json.loads(answer.read())
            except urllib.error.HTTPError as error:
                status, data = error.code, {}
            with lock:
                statuses[status] += 1
                if status == 201:
                    references.append(data["reference"])

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # THEN no server errors, every accepted submission is stored, each with its e-mail
    assert not [code for code in statuses if code >= 500], statuses
    assert statuses[201] == SUBMISSIONS, statuses
    stored = set(product.references()) - before
    assert stored == set(references)
    # The outbox names each file after the reference in its subject: the confirmation to the
    # complainant and the notification to the complaints body.
    per_reference = Counter("-".join(path.stem.rsplit("-", 3)[1:]) for path in product.emails())
    assert all(per_reference[reference] == 2 for reference in references)
    assert len(product.emails()) - emails_before == 2 * SUBMISSIONS
