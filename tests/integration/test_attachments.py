"""Attachments: a presigned POST straight to S3, checked by content and by the malware scan
before the complaint takes them; staff open only clean ones, each opening logged."""

from __future__ import annotations

import base64
import html
import json
import re
import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest
from complaint_form.dependencies import Dependencies
from complaint_form.settings import Settings
from urllib3 import encode_multipart_formdata

from devserver.uploads import EICAR, PostRefusedError, accept_post
from tests.backend import (
    complaint_body,
    form_event,
    http_event,
    invoke,
    invoke_staff,
    staff_event,
    stored_items,
)

FILES = Path(__file__).resolve().parents[1] / "fixtures" / "files"
PDF = "application/pdf"


def at(path: str, body: dict[str, Any]) -> dict[str, Any]:
    return http_event("POST", path, body=json.dumps(body))


def ticket(submission_id: str, content_type: str, size: int,
           name: str = "bestand") -> dict[str, Any]:
    answer = invoke(at("/api/klachten/bijlagen", {"submission_id": submission_id,
                                                  "name": name, "content_type": content_type,
                                                  "size": size}))
    return {"status": answer["statusCode"], **json.loads(answer["body"])}


def post_file(deps: Dependencies, ticket: dict[str, Any], content: bytes,
              content_type: str | None = None) -> None:
    """The browser's post of the file to S3, as the dev server takes it (policy held)."""
    fields = dict(ticket["fields"])
    if content_type:
        fields["Content-Type"] = content_type
    body, multipart = encode_multipart_formdata([*fields.items(),
                                                 ("file", ("f", content))])
    accept_post(deps.uploads.client, deps.settings.attachments_bucket, multipart, body)


def upload(deps: Dependencies, submission_id: str, name: str, content: bytes,
           content_type: str = PDF) -> dict[str, str]:
    granted = ticket(submission_id, content_type, len(content), name)
    assert granted["status"] == 201, granted
    post_file(deps, granted, content)
    return {"id": granted["id"], "name": name}


def with_files(submission_id: str, *files: dict[str, str]) -> dict[str, Any]:
    return complaint_body(submission_id=submission_id, attachments=list(files))


def test_attachment_uploaded_checked_and_kept_with_the_complaint(
        deps: Dependencies, aws: Settings) -> None:
    # GIVEN a PDF uploaded for a form (straight to S3, with the presigned post)
    submission = str(uuid.uuid4())
    pdf = (FILES / "brief.pdf").read_bytes()
    letter = upload(deps, submission, "brief aan zorgaanbieder.pdf", pdf)
    # WHEN the answers are checked, then sent
    checked = invoke(at("/api/klachten/controleren", with_files(submission, letter)))
    sent = invoke(at("/api/klachten", with_files(submission, letter)))
    # THEN the check lists the file, and the complaint keeps it, with what S3 holds of it
    assert checked["statusCode"] == 200, checked["body"]
    assert "brief aan zorgaanbieder.pdf" in json.loads(checked["body"])["html"]
    assert sent["statusCode"] == 201, sent["body"]
    [item] = stored_items(aws.table_name)
    key = f"bijlagen/{submission}/{letter['id']}"
    assert item["attachments"] == [{"id": letter["id"], "name": "brief aan zorgaanbieder.pdf",
                                    "content_type": PDF, "size": len(pdf), "key": key}]
    # AND a copy is kept beside the complaint, outside the uploads' one-day lifecycle
    s3 = boto3.client("s3", region_name="eu-west-1")
    kept = s3.get_object(Bucket=aws.attachments_bucket, Key=key)
    assert kept["Body"].read() == pdf


@pytest.mark.parametrize(("name", "content", "content_type", "message"), [
    ("rekening.pdf", (FILES / "nep.pdf").read_bytes(), PDF, "geen echte PDF"),
    ("notitie.txt", EICAR, "text/plain", "virus"),
])
def test_attachment_not_what_it_says_or_infected_is_refused_at_the_check(
        deps: Dependencies, aws: Settings, name: str, content: bytes, content_type: str,
        message: str) -> None:
    # GIVEN a program renamed to .pdf, or the EICAR test file, uploaded for a form
    submission = str(uuid.uuid4())
    refused = upload(deps, submission, name, content, content_type)
    # WHEN the answers are checked, and (for comparison) sent
    checked = invoke(at("/api/klachten/controleren", with_files(submission, refused)))
    sent = invoke(at("/api/klachten", with_files(submission, refused)))
    # THEN both are refused with a Dutch message naming the file, and nothing is stored
    for answer in (checked, sent):
        assert answer["statusCode"] == 422, answer["body"]
        error = json.loads(answer["body"])["errors"]["attachments"]
        assert name in error and message in error
    assert stored_items(aws.table_name) == []


def test_attachment_upload_goes_to_the_buckets_regional_address(deps: Dependencies) -> None:
    # GIVEN the bucket in eu-west-1
    # WHEN a PDF asks for an upload
    granted = ticket(str(uuid.uuid4()), PDF, 1000, "brief.pdf")
    # THEN it posts to the address the site's Content-Security-Policy allows
    # (${AttachmentsBucket.RegionalDomainName}), with the content type in its policy
    assert granted["url"] == "https://klachtenportaal-bijlagen.s3.eu-west-1.amazonaws.com/"
    policy = json.loads(base64.b64decode(granted["fields"]["policy"]))
    assert {"Content-Type": PDF} in policy["conditions"]
    assert ["content-length-range", 1, 10 * 1024 * 1024] in policy["conditions"]


def test_attachment_upload_is_refused_for_a_wrong_type_or_size(deps: Dependencies) -> None:
    # GIVEN a form
    submission = str(uuid.uuid4())
    # WHEN a program, an empty file and one over 10 MB ask for an upload
    answers = [ticket(submission, "application/x-msdownload", 1000, "setup.exe"),
               ticket(submission, PDF, 0), ticket(submission, PDF, 10 * 1024 * 1024 + 1)]
    # THEN each is refused in Dutch
    assert [answer["status"] for answer in answers] == [422, 422, 422]
    assert "'setup.exe' kunnen we niet aannemen" in answers[0]["errors"]["attachments"]
    assert "leeg" in answers[1]["errors"]["attachments"]
    assert "groter dan 10 MB" in answers[2]["errors"]["attachments"]


def test_attachment_policy_holds_the_type_and_size_it_was_given(deps: Dependencies) -> None:
    # GIVEN an upload granted for a small PDF
    granted = ticket(str(uuid.uuid4()), PDF, 1000)
    # WHEN the browser posts something else: another content type, or a file over 10 MB
    # THEN S3 (here its stand-in, holding the same policy) refuses it
    with pytest.raises(PostRefusedError, match="Condition failed"):
        post_file(deps, granted, b"%PDF-1.4", content_type="text/html")
    with pytest.raises(PostRefusedError, match="outside the allowed size"):
        post_file(deps, granted, b"%PDF-" + b"0" * (10 * 1024 * 1024))


def test_attachment_limits_across_files_are_checked(
        deps: Dependencies, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN six PDFs uploaded for one form
    submission = str(uuid.uuid4())
    pdf = (FILES / "brief.pdf").read_bytes()
    files = [upload(deps, submission, f"brief-{number}.pdf", pdf) for number in range(6)]
    # WHEN six files are sent, a file never uploaded is named, and two together exceed the
    # total (made small here)
    six = invoke(at("/api/klachten/controleren", with_files(submission, *files)))
    never = invoke(at("/api/klachten/controleren", with_files(
        submission, {"id": "A" * 16, "name": "kwijt.pdf"})))
    monkeypatch.setattr("complaint_form.service.MAX_TOTAL_BYTES", len(pdf) + 1)
    together = invoke(at("/api/klachten/controleren", with_files(submission, *files[:2])))
    # THEN each is refused with its own Dutch message
    messages = [json.loads(answer["body"])["errors"]["attachments"]
                for answer in (six, never, together)]
    assert "hoogstens 5 bestanden" in messages[0]
    assert "kwijt.pdf" in messages[1] and "niet goed aangekomen" in messages[1]
    assert "samen groter dan 20 MB" in messages[2]


def test_attachment_staff_open_only_clean_files_and_each_opening_is_logged(
        deps: Dependencies, aws: Settings) -> None:
    # GIVEN a stored complaint with a clean PDF
    submission = str(uuid.uuid4())
    letter = upload(deps, submission, "brief.pdf", (FILES / "brief.pdf").read_bytes())
    sent = invoke(at("/api/klachten", with_files(submission, letter)))
    reference = json.loads(sent["body"])["reference"]
    path = f"/api/staff/klachten/{reference}"
    # WHEN an officer opens the dossier and the file
    dossier = json.loads(invoke_staff(staff_event(path))["body"])
    opened = invoke_staff(staff_event(f"{path}/bijlagen/{letter['id']}"))
    # THEN the dossier says it is clean, and the link works for a minute
    assert dossier["attachment_scans"] == {letter["id"]: "clean"}
    assert opened["statusCode"] == 200, opened["body"]
    link = json.loads(opened["body"])
    assert link["name"] == "brief.pdf" and "X-Amz-Expires=60" in link["url"]
    # WHEN the scan had found a threat in it since
    s3 = boto3.client("s3", region_name="eu-west-1")
    s3.put_object_tagging(Bucket=aws.attachments_bucket,
                          Key=f"bijlagen/{submission}/{letter['id']}",
                          Tagging={"TagSet": [{"Key": "GuardDutyMalwareScanStatus",
                                               "Value": "THREATS_FOUND"}]})
    refused = invoke_staff(staff_event(f"{path}/bijlagen/{letter['id']}"))
    # THEN it is not offered
    assert refused["statusCode"] == 409
    # AND both attempts are in the access log, with the file's id
    log = boto3.client("dynamodb", region_name="eu-west-1").scan(
        TableName=aws.access_log_table_name)["Items"]
    openings = sorted((item["outcome"]["S"], item["detail"]["S"]) for item in log
                      if item["event"]["S"] == "attachment_open")
    assert openings == [("allowed", letter["id"]), ("refused", letter["id"])]


def later_upload(deps: Dependencies, confirmation_html: str, filename: str,
                 content: bytes) -> str:
    """The confirmation page's form posted without script, as the dev server's S3 takes it;
    where S3 sends the browser."""
    action = re.search(r'<form method="post" action="([^"]+)" enctype', confirmation_html)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">',
                             confirmation_html))
    assert action is not None and "success_action_redirect" in fields
    body, multipart = encode_multipart_formdata(
        [*((name, html.unescape(value)) for name, value in fields.items()),
         ("file", (filename, content))])
    redirect = accept_post(deps.uploads.client, deps.settings.attachments_bucket, multipart,
                           body)
    assert redirect is not None
    return redirect.removeprefix(deps.settings.site_url.rstrip("/"))


def test_attachment_added_after_sending_without_script(deps: Dependencies,
                                                       aws: Settings) -> None:
    # GIVEN a complaint sent without script, and its confirmation page
    sent = invoke(form_event(complaint_body(submission_id=None)))
    page = invoke(http_event("GET", sent["headers"]["Location"], content_type=None))
    assert page["statusCode"] == 200
    # THEN the page lets its form post to S3, as its policy says
    assert "form-action 'self' https://" in page["headers"]["Content-Security-Policy"]
    # WHEN a PDF is added with the page's form, and the browser comes back from S3
    back = later_upload(deps, page["body"], "brief van 3 maart.pdf",
                        (FILES / "brief.pdf").read_bytes())
    added = invoke(http_event("GET", back.split("?")[0], content_type=None,
                              query=back.split("?")[1]))
    # THEN it is kept with the complaint, and the confirmation page says so
    assert added["statusCode"] == 303, added["body"]
    assert added["headers"]["Location"].endswith("?bestand=toegevoegd#bijlagen")
    [item] = stored_items(aws.table_name)
    assert [a["name"] for a in item["attachments"]] == ["brief van 3 maart.pdf"]
    assert item["attachment_bytes"] == len((FILES / "brief.pdf").read_bytes())
    # AND S3's way back opened again (a reload) keeps it once
    again = invoke(http_event("GET", back.split("?")[0], content_type=None,
                              query=back.split("?")[1]))
    assert again["statusCode"] == 303
    [item] = stored_items(aws.table_name)
    assert len(item["attachments"]) == 1
    # WHEN a program named .pdf is added the same way
    page = invoke(http_event("GET", sent["headers"]["Location"], content_type=None))
    back = later_upload(deps, page["body"], "factuur.pdf", (FILES / "nep.pdf").read_bytes())
    refused = invoke(http_event("GET", back.split("?")[0], content_type=None,
                                query=back.split("?")[1]))
    # THEN a page says why in Dutch, and it is not kept
    assert refused["statusCode"] == 422
    assert "&#39;factuur.pdf&#39; is geen echte PDF" in refused["body"]
    [item] = stored_items(aws.table_name)
    assert len(item["attachments"]) == 1


def test_attachment_files_go_with_an_erasure_and_with_the_retention(
        deps: Dependencies, aws: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import timedelta

    from complaint_form.duties import apply_retention

    from tests.backend import RECEIVED

    # GIVEN two complaints, each with a PDF
    s3 = boto3.client("s3", region_name="eu-west-1")
    pdf = (FILES / "brief.pdf").read_bytes()
    complaints = []
    for _ in range(2):
        submission = str(uuid.uuid4())
        letter = upload(deps, submission, "brief.pdf", pdf)
        sent = invoke(at("/api/klachten", with_files(submission, letter)))
        complaints.append((json.loads(sent["body"])["reference"],
                           f"bijlagen/{submission}/{letter['id']}"))
    (erased, erased_key), (closed, closed_key) = complaints
    # WHEN a beheerder erases the first complainant's data
    answer = invoke_staff(staff_event(f"/api/staff/klachten/{erased}/wissen",
                                      groups="[beheerder]",
                                      body={"version": 1, "reason": "Verzoek van de klager"}))
    # THEN its file is gone, and the dossier lists none
    assert answer["statusCode"] == 200, answer["body"]
    assert json.loads(answer["body"])["complaint"]["attachments"] == []
    with pytest.raises(s3.exceptions.NoSuchKey):
        s3.get_object(Bucket=aws.attachments_bucket, Key=erased_key)
    # WHEN the second is closed, and its retention ends
    for version, status in enumerate(("in_behandeling", "afgehandeld"), start=1):
        assert invoke_staff(staff_event(f"/api/staff/klachten/{closed}/acties", body={
            "version": version, "action": "status", "status": status}))["statusCode"] == 200
    monkeypatch.setattr(deps, "clock", lambda: RECEIVED + timedelta(days=800))
    assert apply_retention() == [closed]
    # THEN its file went with it
    with pytest.raises(s3.exceptions.NoSuchKey):
        s3.get_object(Bucket=aws.attachments_bucket, Key=closed_key)


def test_attachment_added_after_closing_or_named_twice_is_refused(deps: Dependencies,
                                                                  aws: Settings) -> None:
    pdf = (FILES / "brief.pdf").read_bytes()
    # WHEN one upload is named twice in a submission
    submission = str(uuid.uuid4())
    letter = upload(deps, submission, "brief.pdf", pdf)
    twice = invoke(at("/api/klachten", with_files(submission, letter, letter)))
    # THEN it is refused, and nothing is stored
    assert twice["statusCode"] == 422
    assert stored_items(aws.table_name) == []
    # GIVEN a complaint sent without script, then withdrawn by staff
    sent = invoke(form_event(complaint_body(submission_id=None)))
    page = invoke(http_event("GET", sent["headers"]["Location"], content_type=None))
    [item] = stored_items(aws.table_name)
    invoke_staff(staff_event(f"/api/staff/klachten/{item['reference']}/acties", body={
        "version": 1, "action": "status", "status": "ingetrokken"}))
    # WHEN a file is added with the form the page showed before, and the page is opened again
    back = later_upload(deps, page["body"], "brief.pdf", pdf)
    refused = invoke(http_event("GET", back.split("?")[0], content_type=None,
                                query=back.split("?")[1]))
    reopened = invoke(http_event("GET", sent["headers"]["Location"], content_type=None))
    # THEN the file is refused in Dutch, and the page no longer offers the form
    assert refused["statusCode"] == 422
    assert "geen bestanden meer toevoegen" in refused["body"]
    assert 'enctype="multipart/form-data"' not in reopened["body"]
    [item] = stored_items(aws.table_name)
    assert item["attachments"] == []


def test_attachment_kept_is_the_version_that_was_checked(deps: Dependencies,
                                                         aws: Settings) -> None:
    from complaint_form.service import checked_upload
    from complaint_form.uploads import attachment_key, upload_key

    # GIVEN a PDF uploaded and checked
    submission = str(uuid.uuid4())
    pdf = (FILES / "brief.pdf").read_bytes()
    granted = ticket(submission, PDF, len(pdf), "brief.pdf")
    post_file(deps, granted, pdf)
    uploaded = upload_key(submission, granted["id"])
    checked = checked_upload(uploaded, attachment_key(submission, granted["id"]),
                             granted["id"], "brief.pdf", deps)
    # WHEN the same presigned POST puts a program there before the file is kept
    post_file(deps, granted, b"%PDF-" + (FILES / "nep.pdf").read_bytes())
    checked.keep(deps)
    # THEN what is kept is the PDF that was checked
    s3 = boto3.client("s3", region_name="eu-west-1")
    kept = s3.get_object(Bucket=aws.attachments_bucket, Key=checked.attachment.key)
    assert kept["Body"].read() == pdf
