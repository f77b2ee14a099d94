"""`make deploy` and `make destroy` against moto, and the Lambda bundle they build."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import io
import json
import re
import shutil
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra.deploy import (
    LAMBDA_PYTHON,
    AwsClients,
    BundleError,
    Deployer,
    Environment,
    EnvironmentConfigError,
    build_lambda_bundle,
    check_python,
    inline_script_hashes,
    runtime_requirements,
)

# moto's CloudFormation cannot create these; the deploy is tested on everything else.
UNSUPPORTED_BY_MOTO = {"AWS::CloudFront::Distribution", "AWS::CloudFront::Function",
                       "AWS::CloudFront::OriginAccessControl",
                       "AWS::CloudFront::ResponseHeadersPolicy", "AWS::SES::EmailIdentity",
                       "AWS::WAFv2::WebACL", "AWS::WAFv2::LoggingConfiguration"}
# Stands in for the web ACL moto cannot make, so the main stack gets an ARN to pass on.
WEB_ACL = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/klachtenportaal-test/stand-in"


def _references(value: Any) -> set[str]:
    if isinstance(value, dict):
        found: set[str] = set()
        for key, inner in value.items():
            if key == "Ref" and isinstance(inner, str):
                found.add(inner)
            elif key == "Fn::GetAtt":
                found.add(inner[0] if isinstance(inner, list) else inner.split(".")[0])
            elif key == "Fn::Sub":
                text = inner if isinstance(inner, str) else inner[0]
                found |= {name.split(".")[0] for name in re.findall(r"\$\{([^}!]+)\}", text)}
                found |= _references(inner if isinstance(inner, str) else inner[1])
            else:
                found |= _references(inner)
        return found
    if isinstance(value, list):
        return set().union(*(_references(item) for item in value)) if value else set()
    return set()


def without_unsupported(template: dict[str, Any]) -> dict[str, Any]:
    resources = template["Resources"]
    dropped = {name for name, r in resources.items() if r["Type"] in UNSUPPORTED_BY_MOTO}
    grew = True
    while grew:
        more = {name for name, r in resources.items()
                if name not in dropped and _references(r) & dropped}
        dropped |= more
        grew = bool(more)
    outputs = {k: v for k, v in template["Outputs"].items() if not _references(v) & dropped}
    if "WebAclArn" in template["Outputs"]:
        outputs["WebAclArn"] = {"Value": WEB_ACL}
    return {**template, "Resources": {k: v for k, v in resources.items() if k not in dropped},
            "Outputs": outputs}


@pytest.fixture
def checkout(repo_root: Path, tmp_path: Path) -> Path:
    """The parts of the repository a deploy reads, in a folder the test may edit."""
    for name in ("providers.yaml", "mkdocs.yml"):
        shutil.copy(repo_root / name, tmp_path / name)
    for folder in ("docs", "klachtenportaal", "lambda/complaint_form"):
        shutil.copytree(repo_root / folder, tmp_path / folder,
                        ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


@pytest.fixture
def deployer(repo_root: Path, checkout: Path,
             monkeypatch: pytest.MonkeyPatch) -> Iterator[Deployer]:
    monkeypatch.delenv("SITE_URL", raising=False)
    environment = Environment.load(repo_root / "infra" / "environments" / "example.json")
    with mock_aws():
        yield Deployer(
            environment, AwsClients.for_region("eu-west-1"), repo_root=checkout,
            work_dir=checkout / "build",
            # Installing the arm64 wheels is pip's job; here a marker file stands in for them.
            vendor=lambda target: (target / "VENDORED").write_text("libraries"),
            adapt_template=without_unsupported, wait_delay=1)


@pytest.mark.build  # builds the site
def test_deploy_creates_the_stack_uploads_site_and_bundle(deployer: Deployer) -> None:
    # WHEN deployed for the first time
    report = deployer.deploy()
    # THEN the bundle, the stack and the site are all there
    assert report.code_uploaded and report.stack_updated
    s3 = boto3.client("s3", region_name="eu-west-1")
    bucket = report.outputs["SiteBucketName"]
    page = s3.get_object(Bucket=bucket, Key="aanbieders/dragon-coaching/index.html")
    assert page["ContentType"] == "text/html; charset=utf-8"
    html = page["Body"].read().decode()
    # AND the form posts to the site's own /api/ (CloudFront's second origin), no other host
    assert 'action="/api/klachten/controleren"' in html
    # AND the web ACL's stack is in us-east-1, with the limit and its Dutch answer, and its
    # ACL is handed to the main stack
    def parameters(region: str, name: str) -> dict[str, str]:
        [stack] = boto3.client("cloudformation", region_name=region).describe_stacks(
            StackName=name)["Stacks"]
        return {p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]}

    edge = parameters("us-east-1", deployer.edge_stack_name)
    assert edge["PostsPerIp"] == "10" and edge["PostsWindowSeconds"] == "300"
    assert "0228 322 205" in json.loads(edge["TooManyPostsJson"])["message"]
    assert parameters("eu-west-1", deployer.env.stack_name)["WebAclArn"] == WEB_ACL
    assert 'https://klachten-test.example.nl/aanbieders/dragon-coaching/' in html
    tables = boto3.client("dynamodb", region_name="eu-west-1").list_tables()["TableNames"]
    assert any("ComplaintsTable" in name for name in tables)
    bundle = s3.get_object(Bucket=deployer.ensure_artifacts_bucket(), Key=report.code_key)
    names = zipfile.ZipFile(io.BytesIO(bundle["Body"].read())).namelist()
    assert {"registry.json", "complaint_form/app.py", "klachtenportaal/deadlines.py",
            "VENDORED"} <= set(names)
    functions = boto3.client("lambda", region_name="eu-west-1").list_functions()["Functions"]
    handlers = {f["Handler"] for f in functions}
    assert handlers == {"complaint_form.handler.lambda_handler",
                        "complaint_form.retry.lambda_handler",
                        "complaint_form.email_events.lambda_handler",
                        "complaint_form.staff_app.lambda_handler",
                        "complaint_form.reminder.lambda_handler",
                        "complaint_form.retention.lambda_handler"}


UNCHECKED_HASH = 0b01


def vendor_one_library(target: Path) -> None:
    library = target / "library"
    library.mkdir()
    # A match statement: Python 3.10 and later only.
    (library / "__init__.py").write_text("def kind(x):\n    match x:\n        case 1:\n"
                                         "            return 'one'\n    return 'other'\n")
    # Bytecode as a library may ship it, out of date.
    (library / "__pycache__").mkdir()
    (library / "__pycache__" / f"__init__.{sys.implementation.cache_tag}.pyc").write_bytes(
        b"stale")


def test_bundle_carries_bytecode_for_the_runtime_python(checkout: Path) -> None:
    # WHEN the bundle is built (by this Python, the runtime's version)
    archive, _ = build_lambda_bundle(checkout, checkout / "build", vendor=vendor_one_library)
    # THEN every Python file, ours and the libraries', has fresh bytecode of this version,
    # which Lambda uses as is (unchecked hash: the zip's fixed times cannot make it look stale)
    bundle = zipfile.ZipFile(archive)
    names = set(bundle.namelist())
    sources = sorted(name for name in names if name.endswith(".py"))
    assert "library/__init__.py" in sources and "complaint_form/app.py" in sources
    tag = sys.implementation.cache_tag
    for source in sources:
        folder, _, module = source.rpartition("/")
        bytecode = bundle.read(f"{folder}/__pycache__/{module[:-3]}.{tag}.pyc")
        assert bytecode[:4] == importlib.util.MAGIC_NUMBER
        assert int.from_bytes(bytecode[4:8], "little") == UNCHECKED_HASH
    # AND only our domain and the backend, not the site generator
    assert not [name for name in names if name.startswith("sitegen/")]


def test_bundle_refuses_a_library_the_runtime_cannot_compile(checkout: Path) -> None:
    # GIVEN a library file that is not Python 3
    def vendor_python2(target: Path) -> None:
        (target / "old.py").write_text('print "hallo"\n')

    # WHEN the bundle is built THEN the build stops and names the file
    with pytest.raises(BundleError, match=r"old\.py"):
        build_lambda_bundle(checkout, checkout / "build", vendor=vendor_python2)


def test_bundle_refuses_backend_texts_without_their_translation(
        checkout: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a text of the backend's whose English is missing from the catalogue
    missing = ("lambda/complaint_form/templates/status_page.html:9: no en translation of "
               "'Nieuw' in klachtenportaal/locale/en/LC_MESSAGES/messages.po")
    monkeypatch.setattr("infra.deploy.catalogue_problems", lambda: [missing])
    # WHEN the bundle is built THEN it stops before anything is made, naming the text
    with pytest.raises(BundleError, match=r"status_page\.html:9: no en translation"):
        build_lambda_bundle(checkout, checkout / "build", vendor=vendor_one_library)
    assert not (checkout / "build").exists()


def test_bundle_refuses_a_python_that_is_no_lambda_runtime() -> None:
    # GIVEN a deploy run by a Python version that Lambda does not run
    # WHEN it checks THEN it stops, naming the version and the runtimes it could use
    with pytest.raises(BundleError) as refused:
        check_python((3, 10))
    message = str(refused.value)
    assert "runs Python 3.10" in message and "python3.11, python3.12, python3.13" in message
    # AND the Python running these tests is one it accepts
    check_python()
    assert f"python{LAMBDA_PYTHON}" == f"python{sys.version_info[0]}.{sys.version_info[1]}"


def test_bundle_requirements_are_the_domain_and_the_backend_only() -> None:
    # GIVEN the requirements the bundle installs, read from pyproject.toml
    names = {re.split(r"[\[<>=]", requirement)[0].lower() for requirement in runtime_requirements()}
    # THEN they are what the domain and the backend import, and nothing of the site
    # generator or the AWS SDK (the Lambda runtime has it)
    assert names == {"pydantic", "email-validator", "phonenumbers", "holidays", "jinja2",
                     "aws-lambda-powertools", "pydantic-settings", "openpyxl"}


@pytest.mark.build  # builds the site
def test_deploy_again_changes_only_what_changed(deployer: Deployer, checkout: Path) -> None:
    # GIVEN a deployed stack
    first = deployer.deploy()
    # WHEN nothing changed THEN nothing is uploaded or updated
    again = deployer.deploy()
    assert (again.code_uploaded, again.stack_updated, again.uploaded, again.deleted) == (
        False, False, [], [])
    # WHEN one provider's text changes
    registry = checkout / "providers.yaml"
    registry.write_text(registry.read_text(encoding="utf-8").replace(
        "We lossen het liefst eerst samen op", "We lossen het graag eerst samen op"),
        encoding="utf-8")
    changed = deployer.deploy()
    # THEN a new bundle (it carries the registry), and only the affected pages are uploaded
    assert changed.code_uploaded and changed.code_key != first.code_key
    assert changed.stack_updated
    assert "aanbieders/burgercoaching/index.html" in changed.uploaded
    assert "aanbieders/dragon-coaching/index.html" not in changed.uploaded
    assert "index.html" not in changed.uploaded


@pytest.mark.build  # builds the site
def test_destroy_removes_the_stack_and_site(deployer: Deployer) -> None:
    # GIVEN a deployed stack WHEN destroyed THEN it is gone
    deployer.deploy()
    deployer.destroy()
    assert deployer.stack_outputs() == {}


def test_inline_script_hashes_cover_the_theme_scripts(tmp_path: Path) -> None:
    # GIVEN a page with an inline script, a script file and a JSON data block
    # WHEN the CSP hashes are taken THEN only the inline script has one
    page = tmp_path / "index.html"
    page.write_text('<script>var a=1;</script><script src="x.js"></script>'
                    '<script id="c" type="application/json">{}</script>', encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(b"var a=1;").digest()).decode()
    assert inline_script_hashes(tmp_path) == [f"'sha256-{digest}'"]


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("notification_email", "klachten@@example.nl", "notification_email: 'klachten@@example.nl'"),
    ("sender_email", "noreply@elders.nl", "is not in sender_domain 'example.nl'"),
    ("retention_days", 365, "retention_days: 365, but the privacy page promises 730"),
])
def test_environment_refuses_settings_it_cannot_deploy(
        repo_root: Path, tmp_path: Path, field: str, value: str | int, expected: str) -> None:
    # GIVEN an environment file with a bad address, or a retention the privacy page does not
    # state
    example = json.loads((repo_root / "infra" / "environments" / "example.json").read_text())
    config = tmp_path / "test.json"
    config.write_text(json.dumps({**example, field: value}), encoding="utf-8")
    # WHEN it is loaded for a deploy
    with pytest.raises(EnvironmentConfigError) as error:
        Environment.load(config)
    # THEN the error names the file, the field and what is wrong
    assert str(config) in str(error.value) and expected in str(error.value)


def test_example_environment_holds_no_secrets(repo_root: Path) -> None:
    # GIVEN the committed example environment THEN it loads and names no secrets
    example = json.loads((repo_root / "infra" / "environments" / "example.json").read_text())
    Environment(**example)
    assert not any(re.search(r"(?i)secret|password|access_key", key) for key in example)
