from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra.bytecode import BytecodeError
from infra.deploy import (
    LAMBDA_PYTHON,
    AwsClients,
    Deployer,
    Environment,
    EnvironmentConfigError,
    build_lambda_bundle,
    inline_script_hashes,
)
from infra.template import TEMPLATE, load_template, transform

PARAMETERS = {
    "Environment": "production", "DomainName": "klachten.example.nl",
    "CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/abc",
    "SenderDomain": "example.nl", "SenderEmail": "noreply@example.nl",
    "NotificationEmail": "klachten@example.nl", "AlarmEmail": "beheer@example.nl",
    "CodeBucket": "code", "CodeKey": "lambda/abc.zip",
}
DATA_ACTIONS = ("dynamodb:", "ses:", "kms:", "sqs:", "s3:")


@pytest.fixture(scope="module")
def stack() -> dict[str, Any]:
    return transform(load_template(), PARAMETERS)


def resources_of(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: resource["Properties"] for name, resource in template["Resources"].items()
            if resource["Type"] == kind}


def test_template_passes_cfn_lint() -> None:
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    result = subprocess.run([str(cfn_lint), str(TEMPLATE)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_template_transforms_offline_to_plain_cloudformation(stack: dict[str, Any]) -> None:
    kinds = {resource["Type"] for resource in stack["Resources"].values()}
    assert not any(kind.startswith("AWS::Serverless::") for kind in kinds)
    assert {"AWS::Lambda::Function", "AWS::ApiGatewayV2::Api", "AWS::DynamoDB::Table",
            "AWS::CloudFront::Distribution", "AWS::SES::EmailIdentity"} <= kinds


def test_iam_grants_data_actions_on_named_resources_only(stack: dict[str, Any]) -> None:
    for role, properties in resources_of(stack, "AWS::IAM::Role").items():
        for policy in properties.get("Policies", []):
            for statement in policy["PolicyDocument"]["Statement"]:
                actions = statement["Action"]
                actions = [actions] if isinstance(actions, str) else actions
                resources = statement["Resource"]
                resources = resources if isinstance(resources, list) else [resources]
                if any(action.startswith(DATA_ACTIONS) for action in actions):
                    assert "*" not in resources, (role, statement)
                    assert not any(action.endswith(":*") for action in actions), (role, statement)


def test_ses_send_is_limited_to_the_sender_identity(stack: dict[str, Any]) -> None:
    role = resources_of(stack, "AWS::IAM::Role")["ComplaintFunctionRole"]
    statements = [s for p in role["Policies"] for s in p["PolicyDocument"]["Statement"]]
    [ses] = [s for s in statements if "ses:SendRawEmail" in s["Action"]]
    assert ses["Resource"]["Fn::Sub"].endswith(":identity/${SenderDomain}")
    assert ses["Condition"] == {"StringEquals": {"ses:FromAddress": {"Ref": "SenderEmail"}}}


def test_tables_are_encrypted_recoverable_protected_and_expire(stack: dict[str, Any]) -> None:
    tables = resources_of(stack, "AWS::DynamoDB::Table")
    complaints = tables["ComplaintsTable"]
    assert complaints["SSESpecification"] == {"SSEEnabled": True, "SSEType": "KMS",
                                              "KMSMasterKeyId": {"Ref": "DataKey"}}
    assert complaints["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"]
    assert complaints["DeletionProtectionEnabled"] is True
    assert complaints["BillingMode"] == "PAY_PER_REQUEST"
    assert complaints["TimeToLiveSpecification"] == {"AttributeName": "expires_at",
                                                     "Enabled": True}
    assert stack["Resources"]["ComplaintsTable"]["DeletionPolicy"] == "Retain"
    assert tables["IdempotencyTable"]["SSESpecification"]["SSEType"] == "KMS"
    key = resources_of(stack, "AWS::KMS::Key")["DataKey"]
    assert key["EnableKeyRotation"] is True


def test_tables_match_what_the_backend_and_local_runs_use(stack: dict[str, Any]) -> None:
    from complaint_form.dynamodb import table_definitions

    complaints, _ = table_definitions("x", "y")
    declared = resources_of(stack, "AWS::DynamoDB::Table")["ComplaintsTable"]
    assert declared["KeySchema"] == complaints["KeySchema"]
    assert sorted(declared["AttributeDefinitions"], key=str) == sorted(
        complaints["AttributeDefinitions"], key=str)
    assert sorted(declared["GlobalSecondaryIndexes"], key=str) == sorted(
        complaints["GlobalSecondaryIndexes"], key=str)


def test_api_allows_only_the_site_origin_and_is_throttled(stack: dict[str, Any]) -> None:
    [api] = resources_of(stack, "AWS::ApiGatewayV2::Api").values()
    cors = api["Body"]["x-amazon-apigateway-cors"]
    assert cors["allowOrigins"] == [{"Fn::Sub": "https://klachten.example.nl"}]
    assert set(cors["allowMethods"]) == {"GET", "POST", "OPTIONS"}
    assert set(api["Body"]["paths"]) == {"/api/klachten",
                                         "/api/klachten/{reference}/ontvangstbevestiging"}
    [stage] = resources_of(stack, "AWS::ApiGatewayV2::Stage").values()
    assert stage["DefaultRouteSettings"]["ThrottlingRateLimit"] > 0


def test_lambda_runs_python_312_on_arm64(stack: dict[str, Any]) -> None:
    for function in resources_of(stack, "AWS::Lambda::Function").values():
        assert function["Runtime"] == "python3.12"
        assert function["Architectures"] == ["arm64"]
    retry = resources_of(stack, "AWS::Lambda::Function")["RetryFunction"]
    assert "DeadLetterConfig" in retry


def test_lambda_handlers_name_functions_a_fresh_process_can_load(stack: dict[str, Any]) -> None:
    # GIVEN the handlers the template names
    handlers = [function["Handler"]
                for function in resources_of(stack, "AWS::Lambda::Function").values()]
    assert handlers
    for handler in handlers:
        module, function = handler.rsplit(".", 1)
        # WHEN a fresh process loads each, as the Lambda runtime does
        code = (f"import gc, importlib\nhandler = getattr(importlib.import_module({module!r}), "
                f"{function!r})\nprint(callable(handler), gc.isenabled())")
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                check=False)
        # THEN it is a function, and the garbage collector runs again afterwards
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == ["True", "True"], handler


def test_site_is_private_behind_cloudfront_with_security_headers(stack: dict[str, Any]) -> None:
    bucket = resources_of(stack, "AWS::S3::Bucket")["SiteBucket"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    policy = resources_of(stack, "AWS::S3::BucketPolicy")["SiteBucketPolicy"]
    [read] = [s for s in policy["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
    assert read["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert "AWS:SourceArn" in read["Condition"]["StringEquals"]
    [distribution] = resources_of(stack, "AWS::CloudFront::Distribution").values()
    config = distribution["DistributionConfig"]
    assert config["Origins"][0]["OriginAccessControlId"]
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    [headers] = resources_of(stack, "AWS::CloudFront::ResponseHeadersPolicy").values()
    security = headers["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert security["ContentTypeOptions"]["Override"] is True
    assert security["ReferrerPolicy"]["ReferrerPolicy"] == "strict-origin-when-cross-origin"
    csp = security["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
    api_origin = "https://${Api}.execute-api.${AWS::Region}.amazonaws.com"
    assert f"form-action {api_origin};" in csp
    assert f"connect-src 'self' {api_origin};" in csp
    assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp.split(
        "script-src")[1].split(";")[0]


# --- the deploy command, against moto --------------------------------------------------

# moto's CloudFormation cannot create these; the deploy is tested on everything else.
UNSUPPORTED_BY_MOTO = {"AWS::CloudFront::Distribution", "AWS::CloudFront::Function",
                       "AWS::CloudFront::OriginAccessControl",
                       "AWS::CloudFront::ResponseHeadersPolicy", "AWS::SES::EmailIdentity"}


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
    return {**template,
            "Resources": {k: v for k, v in resources.items() if k not in dropped},
            "Outputs": {k: v for k, v in template["Outputs"].items()
                        if not _references(v) & dropped}}


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
    for name in ("SITE_URL", "KLACHTENPORTAAL_API_URL"):
        monkeypatch.delenv(name, raising=False)
    environment = Environment.load(repo_root / "infra" / "environments" / "example.json")
    with mock_aws():
        yield Deployer(
            environment, AwsClients.for_region("eu-west-1"), repo_root=checkout,
            work_dir=checkout / "build",
            # Installing the arm64 wheels is pip's job; here a marker file stands in for them.
            vendor=lambda target: (target / "VENDORED").write_text("libraries"),
            adapt_template=without_unsupported, wait_delay=1)


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
    assert f'action="{report.outputs["ApiUrl"]}/api/klachten"' in html
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
                        "complaint_form.retry.lambda_handler"}


# The first bytes of CPython 3.12's bytecode files (Lib/importlib/_bootstrap_external.py).
PYTHON_312_MAGIC = (3531).to_bytes(2, "little") + b"\r\n"
UNCHECKED_HASH = 0b01


def vendor_one_library(target: Path) -> None:
    library = target / "library"
    library.mkdir()
    # A match statement: Python 3.10 and later only.
    (library / "__init__.py").write_text("def kind(x):\n    match x:\n        case 1:\n"
                                         "            return 'one'\n    return 'other'\n")
    # Bytecode of the Python that ran pip: useless to the runtime.
    (library / "__pycache__").mkdir()
    (library / "__pycache__" / "__init__.cpython-311.pyc").write_bytes(b"stale")


def test_bundle_carries_bytecode_for_the_runtime_python(checkout: Path) -> None:
    # GIVEN the runtime's Python from the template
    assert LAMBDA_PYTHON == "3.12"
    # WHEN the bundle is built
    archive, _ = build_lambda_bundle(checkout, checkout / "build", vendor=vendor_one_library)
    # THEN every Python file, ours and the libraries', has 3.12 bytecode that Lambda uses
    # as is (unchecked hash: the zip's fixed times cannot make it look stale)
    bundle = zipfile.ZipFile(archive)
    names = set(bundle.namelist())
    sources = sorted(name for name in names if name.endswith(".py"))
    assert "library/__init__.py" in sources and "complaint_form/app.py" in sources
    for source in sources:
        folder, _, module = source.rpartition("/")
        bytecode = bundle.read(f"{folder}/__pycache__/{module[:-3]}.cpython-312.pyc")
        assert bytecode[:4] == PYTHON_312_MAGIC
        assert int.from_bytes(bytecode[4:8], "little") == UNCHECKED_HASH
    # AND no other Python's bytecode
    assert not [name for name in names if name.endswith(".pyc") and "cpython-312" not in name]


def test_bundle_refuses_a_library_the_runtime_cannot_compile(checkout: Path) -> None:
    # GIVEN a library file that is not Python 3
    def vendor_python2(target: Path) -> None:
        (target / "old.py").write_text('print "hallo"\n')

    # WHEN the bundle is built THEN the build stops and names the file
    with pytest.raises(BytecodeError, match=r"old\.py"):
        build_lambda_bundle(checkout, checkout / "build", vendor=vendor_python2)


def test_deploy_again_changes_only_what_changed(deployer: Deployer, checkout: Path) -> None:
    first = deployer.deploy()
    # WHEN nothing changed THEN nothing is uploaded or updated
    again = deployer.deploy()
    assert (again.code_uploaded, again.stack_updated, again.uploaded, again.deleted) == (
        False, False, [], [])
    # WHEN one provider's text changes
    registry = checkout / "providers.yaml"
    registry.write_text(registry.read_text(encoding="utf-8").replace(
        "met liefde en plezier", "met veel liefde en plezier"), encoding="utf-8")
    changed = deployer.deploy()
    # THEN a new bundle (it carries the registry), and only the affected pages are uploaded
    assert changed.code_uploaded and changed.code_key != first.code_key
    assert changed.stack_updated
    assert "aanbieders/dragon-coaching/index.html" in changed.uploaded
    assert "aanbieders/burgercoaching/index.html" not in changed.uploaded
    assert "index.html" not in changed.uploaded


def test_destroy_removes_the_stack_and_site(deployer: Deployer) -> None:
    deployer.deploy()
    deployer.destroy()
    assert deployer.stack_outputs() == {}


def test_inline_script_hashes_cover_the_theme_scripts(tmp_path: Path) -> None:
    page = tmp_path / "index.html"
    page.write_text('<script>var a=1;</script><script src="x.js"></script>'
                    '<script id="c" type="application/json">{}</script>', encoding="utf-8")
    assert inline_script_hashes(tmp_path) == [
        "'sha256-" + __import__("base64").b64encode(
            __import__("hashlib").sha256(b"var a=1;").digest()).decode() + "'"]


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("notification_email", "klachten@@example.nl", "notification_email: 'klachten@@example.nl'"),
    ("sender_email", "noreply@elders.nl", "is not in sender_domain 'example.nl'"),
])
def test_environment_refuses_addresses_it_cannot_deploy(
        repo_root: Path, tmp_path: Path, field: str, value: str, expected: str) -> None:
    # GIVEN an environment file with a bad address
    example = json.loads((repo_root / "infra" / "environments" / "example.json").read_text())
    config = tmp_path / "test.json"
    config.write_text(json.dumps({**example, field: value}), encoding="utf-8")
    # WHEN it is loaded for a deploy
    with pytest.raises(EnvironmentConfigError) as error:
        Environment.load(config)
    # THEN the error names the file, the field and what is wrong
    assert str(config) in str(error.value) and expected in str(error.value)


def test_example_environment_holds_no_secrets(repo_root: Path) -> None:
    example = json.loads((repo_root / "infra" / "environments" / "example.json").read_text())
    Environment(**example)
    assert not any(re.search(r"(?i)secret|password|access_key", key) for key in example)
