"""`make serve` runs the scheduled duties on demand: the reminder, whose e-mail lands in the
outbox, and the retention job."""

from __future__ import annotations

import json
import urllib.request
import uuid
from email import message_from_bytes, policy

import pytest

from tests.backend import complaint_body, new_address
from tests.local_product import LocalProduct

pytestmark = pytest.mark.build


def post(url: str, body: bytes = b"") -> dict[str, object]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        data: dict[str, object] = json.loads(answer.read())
        return data


def test_dev_reminder_on_demand_writes_its_email_to_the_outbox(product: LocalProduct) -> None:
    # GIVEN a complaint sent through the local product
    receipt = post(product.url + "api/klachten", json.dumps(complaint_body(
        submission_id=str(uuid.uuid4()), email=new_address())).encode())
    # WHEN the reminder is run for the day its contact is due
    result = post(product.url + f"_dev/herinnering?dag={receipt['contact_by']}")
    # THEN it was sent, to the outbox, naming the complaint
    assert result["sent"] is True and result["contacts"]
    messages = [message_from_bytes(path.read_bytes(), policy=policy.default)
                for path in product.emails()]
    [reminder] = [m for m in messages if str(m["Subject"]).startswith("Termijnen")]
    text = reminder.get_body(preferencelist=("plain",))
    assert text is not None and str(receipt["reference"]) in str(text.get_content())


def test_dev_retention_on_demand_keeps_open_complaints(product: LocalProduct) -> None:
    # GIVEN an open complaint WHEN the retention job runs THEN nothing is deleted
    receipt = post(product.url + "api/klachten", json.dumps(complaint_body(
        submission_id=str(uuid.uuid4()), email=new_address())).encode())
    assert post(product.url + "_dev/bewaartermijn") == {"deleted": 0}
    assert product.stored(str(receipt["reference"])) == 200
