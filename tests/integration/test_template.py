"""The stack template: valid, transformed offline, and as secure as infra/README.md says."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from infra.template import TEMPLATE, load_template, python_runtimes, transform

PARAMETERS = {
    "Environment": "production", "DomainName": "klachten.example.nl",
    "CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/abc",
    "SenderDomain": "example.nl", "SenderEmail": "noreply@example.nl",
    "NotificationEmail": "klachten@example.nl", "AlarmEmail": "beheer@example.nl",
    "CodeBucket": "code", "CodeKey": "lambda/abc.zip", "PythonRuntime": "python3.12",
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
    assert set(api["Body"]["paths"]) == {
        "/api/klachten", "/api/klachten/{reference}/ontvangstbevestiging/{secret}",
        "/api/klachten/{reference}/kopie/{secret}"}
    [stage] = resources_of(stack, "AWS::ApiGatewayV2::Stage").values()
    assert stage["DefaultRouteSettings"]["ThrottlingRateLimit"] > 0


def test_lambda_runs_the_python_the_deploy_names_on_arm64(stack: dict[str, Any]) -> None:
    # GIVEN the template WHEN transformed THEN every function runs on arm64 the runtime the
    # deploy passes (its own Python's), one of the Lambda runtimes for Python 3.11 and later
    for function in resources_of(stack, "AWS::Lambda::Function").values():
        assert function["Runtime"] == {"Ref": "PythonRuntime"}
        assert function["Architectures"] == ["arm64"]
    assert python_runtimes() == ["python3.11", "python3.12", "python3.13"]
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


def test_alarm_topic_is_under_a_key_cloudwatch_may_use_for_this_account(
        stack: dict[str, Any]) -> None:
    # GIVEN the topic every alarm publishes to
    [topic] = resources_of(stack, "AWS::SNS::Topic").values()
    alarms = resources_of(stack, "AWS::CloudWatch::Alarm")
    assert alarms and all(a["AlarmActions"] == [{"Ref": "AlarmTopic"}] for a in alarms.values())
    # THEN it is encrypted with a customer-managed key of the stack (CloudWatch cannot use an
    # AWS-managed one such as alias/aws/sns)
    key_name = topic["KmsMasterKeyId"]["Ref"]
    key = stack["Resources"][key_name]
    assert key["Type"] == "AWS::KMS::Key"
    # AND that key lets CloudWatch encrypt for this account's alarms only
    [grant] = [s for s in key["Properties"]["KeyPolicy"]["Statement"]
               if s["Principal"] == {"Service": "cloudwatch.amazonaws.com"}]
    assert {"kms:Decrypt", "kms:GenerateDataKey*"} <= set(grant["Action"])
    assert grant["Condition"] == {
        "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}
