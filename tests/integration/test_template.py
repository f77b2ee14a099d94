"""The stack template: valid, transformed offline, and as secure as infra/README.md says."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
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
    "WebAclArn": "arn:aws:wafv2:us-east-1:123456789012:global/webacl/klachtenportaal/abc",
}
DATA_ACTIONS = ("dynamodb:", "ses:", "kms:", "sqs:", "s3:")


@pytest.fixture(scope="module")
def stack() -> dict[str, Any]:
    return transform(load_template(), PARAMETERS)


def resources_of(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: resource["Properties"] for name, resource in template["Resources"].items()
            if resource["Type"] == kind}


def test_template_passes_cfn_lint() -> None:
    from infra import edge

    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    result = subprocess.run([str(cfn_lint), str(TEMPLATE), str(edge.TEMPLATE)],
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


@pytest.mark.parametrize("role_name", ["ComplaintFunctionRole", "RetryFunctionRole",
                                       "ReminderFunctionRole"])
def test_ses_send_is_limited_to_the_sender_identity(stack: dict[str, Any],
                                                    role_name: str) -> None:
    role = resources_of(stack, "AWS::IAM::Role")[role_name]
    statements = [s for p in role["Policies"] for s in p["PolicyDocument"]["Statement"]]
    [ses] = [s for s in statements if "ses:SendRawEmail" in s["Action"]]
    identity, configuration_set = (resource["Fn::Sub"] for resource in ses["Resource"])
    assert identity.endswith(":identity/${SenderDomain}")
    assert configuration_set.endswith(":configuration-set/${EmailConfigurationSet}")
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


def test_every_route_of_the_form_api_is_routed_to_its_function() -> None:
    import json

    from complaint_form.app import openapi_document

    # GIVEN the routes the form API's code serves (its OpenAPI document)
    served = {(method.upper(), path)
              for path, methods in json.loads(openapi_document())["paths"].items()
              for method in methods}
    # WHEN the template's events of the complaint function are read
    function = load_template()["Resources"]["ComplaintFunction"]
    routed = {(event["Properties"]["Method"], event["Properties"]["Path"])
              for event in function["Properties"]["Events"].values()
              if event["Type"] == "HttpApi"}
    # THEN API Gateway routes exactly those to it
    assert routed == served


def test_api_is_reached_only_through_the_sites_distribution(stack: dict[str, Any]) -> None:
    # GIVEN the API and the distribution
    [api] = resources_of(stack, "AWS::ApiGatewayV2::Api").values()
    assert {"/api/klachten", "/api/klachten/{reference}/ontvangstbevestiging/{secret}",
            "/api/klachten/{reference}/kopie/{secret}"} <= set(api["Body"]["paths"])
    # THEN the API shares the site's origin: no CORS
    assert "x-amazon-apigateway-cors" not in api["Body"]
    [distribution] = resources_of(stack, "AWS::CloudFront::Distribution").values()
    config = distribution["DistributionConfig"]
    [behaviour] = config["CacheBehaviors"]
    assert behaviour["PathPattern"] == "/api/*" and "POST" in behaviour["AllowedMethods"]
    [origin] = [o for o in config["Origins"] if o["Id"] == behaviour["TargetOriginId"]]
    assert origin["DomainName"] == {"Fn::Sub": "${Api}.execute-api.${AWS::Region}.amazonaws.com"}
    # AND behind the web ACL, with the secret header the function checks
    assert config["WebACLId"] == {"Ref": "WebAclArn"}
    [header] = origin["OriginCustomHeaders"]
    secret = {"Fn::Sub": "{{resolve:secretsmanager:${OriginSecret}:SecretString}}"}
    assert header == {"HeaderName": "x-origin-verify", "HeaderValue": secret}
    function = resources_of(stack, "AWS::Lambda::Function")["ComplaintFunction"]
    assert function["Environment"]["Variables"]["ORIGIN_SECRET"] == secret
    # AND throttled as a whole, with access logs that name routes, never paths
    [stage] = resources_of(stack, "AWS::ApiGatewayV2::Stage").values()
    assert stage["DefaultRouteSettings"]["ThrottlingRateLimit"] > 0
    log_format = stage["AccessLogSettings"]["Format"]
    assert "$context.routeKey" in log_format and "$context.path" not in log_format
    # AND its answers keep the headers the function sets: its pages' secrets never leave as
    # a referrer
    policy = stack["Resources"][behaviour["ResponseHeadersPolicyId"]["Ref"]]["Properties"]
    security = policy["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    assert security["ReferrerPolicy"] == {"ReferrerPolicy": "no-referrer", "Override": True}
    assert security["ContentSecurityPolicy"]["Override"] is False


def test_edge_web_acl_counts_posts_per_ip_once_and_answers_each_kind_of_post() -> None:
    from infra import edge

    # GIVEN the web ACL's template
    template = load_template(edge.TEMPLATE)
    rules = {rule["Name"]: rule for rule in
             template["Resources"]["WebAcl"]["Properties"]["Rules"]}
    # THEN one rate rule counts every post under /api/ per IP, with the parameters the deploy
    # fills from the dev server's constants, and labels the requests past the limit
    counting = rules["posts-per-ip"]
    rate = counting["Statement"]["RateBasedStatement"]
    assert rate["AggregateKeyType"] == "IP"
    assert rate["Limit"] == {"Ref": "PostsPerIp"}
    assert rate["EvaluationWindowSec"] == {"Ref": "PostsWindowSeconds"}
    assert counting["Action"] == {"Count": {}}
    [label] = counting["RuleLabels"]
    # AND the posts that store and send nothing are not counted: the ones the code names
    *_, uncounted = rate["ScopeDownStatement"]["AndStatement"]["Statements"]
    paths = [match["ByteMatchStatement"]["SearchString"] for match
             in uncounted["NotStatement"]["Statement"]["OrStatement"]["Statements"]]
    assert paths == list(edge.POSTS_NOT_COUNTED)
    # AND those are blocked with a 429 each kind of client can show, JSON ones first
    for name, body in (("too-many-posts-json", "too-many-posts-json"),
                       ("too-many-posts-form", "too-many-posts-html")):
        rule = rules[name]
        assert rule["Priority"] > counting["Priority"]
        assert label["Name"] in str(rule["Statement"])
        assert rule["Action"]["Block"]["CustomResponse"] == {
            "ResponseCode": 429, "CustomResponseBodyKey": body}
    assert rules["too-many-posts-json"]["Priority"] < rules["too-many-posts-form"]["Priority"]
    # AND any request to the API is limited per IP too, so one client cannot use up the API's
    # shared throttle; and AWS's managed groups stand behind
    assert rules["api-requests-per-ip"]["Statement"]["RateBasedStatement"]["Limit"] == {
        "Ref": "ApiRequestsPerIp"}
    assert {"aws-ip-reputation", "aws-known-bad-inputs", "aws-common"} <= set(rules)
    assert edge.POSTS_WINDOW_SECONDS in template["Parameters"]["PostsWindowSeconds"][
        "AllowedValues"]


def test_retry_role_finds_its_work_in_the_pending_index_only(stack: dict[str, Any]) -> None:
    # GIVEN the retry function's permissions
    role = resources_of(stack, "AWS::IAM::Role")["RetryFunctionRole"]
    statements = [statement for policy in role["Policies"]
                  for statement in policy["PolicyDocument"]["Statement"]]
    # THEN it may scan the sparse pending index, not the table
    [scan] = [s for s in statements if "dynamodb:Scan" in s["Action"]]
    assert scan["Resource"] == {"Fn::Sub": "${ComplaintsTable.Arn}/index/pending-email"}


def test_data_key_administrators_cannot_read_with_it(stack: dict[str, Any]) -> None:
    # GIVEN the key that encrypts the complaints
    policy = stack["Resources"]["DataKey"]["Properties"]["KeyPolicy"]["Statement"]
    [admins] = [s for s in policy if s["Sid"] == "AccountAdministers"]
    # THEN its administrators manage it without using it; using it is for the stack's roles
    assert not any(action.startswith(("kms:Decrypt", "kms:GenerateDataKey", "kms:ReEncrypt"))
                   or action == "kms:*" for action in admins["Action"])
    [users] = [s for s in policy if s["Sid"] == "StackRolesUse"]
    assert "kms:Decrypt" in users["Action"]
    assert users["Condition"]["ArnLike"]["aws:PrincipalArn"] == {
        "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${AWS::StackName}-*"}


def test_every_log_group_is_kept_for_a_set_time_under_the_data_key(
        stack: dict[str, Any]) -> None:
    # GIVEN the functions WHEN they log THEN into log groups with a retention and the key
    groups = resources_of(stack, "AWS::Logs::LogGroup")
    for function in resources_of(stack, "AWS::Lambda::Function").values():
        assert function["LoggingConfig"]["LogGroup"]["Ref"] in groups
    for group in groups.values():
        assert group["RetentionInDays"] == {"Ref": "LogRetentionDays"}
        assert group["KmsKeyId"] == {"Fn::GetAtt": ["DataKey", "Arn"]}


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
    headers = resources_of(stack, "AWS::CloudFront::ResponseHeadersPolicy")["SecurityHeaders"]
    security = headers["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert security["ContentTypeOptions"]["Override"] is True
    assert security["ReferrerPolicy"]["ReferrerPolicy"] == "strict-origin-when-cross-origin"
    csp = security["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
    # (pages post to the site's own API; the page's script posts files to the bucket)
    bucket = "https://${AttachmentsBucket.RegionalDomainName}"
    assert "form-action 'self';" in csp
    assert (f"connect-src 'self' https://cognito-idp.${{AWS::Region}}.amazonaws.com {bucket};"
            in csp)
    assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp


def test_alarm_topic_is_under_a_key_cloudwatch_may_use_for_this_account(
        stack: dict[str, Any]) -> None:
    # GIVEN the topic every alarm publishes to
    topic = resources_of(stack, "AWS::SNS::Topic")["AlarmTopic"]
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


def test_ses_reports_every_email_fate_to_the_events_function_only(
        stack: dict[str, Any]) -> None:
    # GIVEN the configuration set every e-mail is sent through
    [destination] = resources_of(stack, "AWS::SES::ConfigurationSetEventDestination").values()
    assert destination["ConfigurationSetName"] == {"Ref": "EmailConfigurationSet"}
    events = destination["EventDestination"]
    # THEN it publishes sends, rejects, bounces, complaints, deliveries and delays to a topic
    assert set(events["MatchingEventTypes"]) == {"send", "reject", "bounce", "complaint",
                                                 "delivery", "deliveryDelay"}
    assert events["SnsDestination"]["TopicARN"] == {"Ref": "EmailEventsTopic"}
    # AND the topic is under the complaints' key, which SES may use for this account only
    topic = resources_of(stack, "AWS::SNS::Topic")["EmailEventsTopic"]
    assert topic["KmsMasterKeyId"] == {"Ref": "DataKey"}
    key = stack["Resources"]["DataKey"]["Properties"]["KeyPolicy"]["Statement"]
    [ses] = [s for s in key if s["Principal"] == {"Service": "ses.amazonaws.com"}]
    assert ses["Condition"] == {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}
    # AND the function it invokes may only update complaints
    function = resources_of(stack, "AWS::Lambda::Function")["EmailEventsFunction"]
    assert function["Handler"] == "complaint_form.email_events.lambda_handler"
    assert "DeadLetterConfig" in function
    role = resources_of(stack, "AWS::IAM::Role")["EmailEventsFunctionRole"]
    statements = [s for p in role["Policies"] for s in p["PolicyDocument"]["Statement"]]
    [table] = [s for s in statements if str(s["Action"]).startswith("dynamodb:")]
    assert table["Action"] == "dynamodb:UpdateItem"
    assert table["Resource"] == {"Fn::GetAtt": ["ComplaintsTable", "Arn"]}
    # AND the sending functions send through the set
    variables = stack["Resources"]["ComplaintFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["SES_CONFIGURATION_SET"] == {"Ref": "EmailConfigurationSet"}


def test_staff_routes_need_a_token_of_the_staff_pool_and_a_role_of_their_own(
        stack: dict[str, Any]) -> None:
    # GIVEN the API's staff routes
    [api] = resources_of(stack, "AWS::ApiGatewayV2::Api").values()
    paths = api["Body"]["paths"]
    staff = {path: methods for path, methods in paths.items()
             if path.startswith("/api/staff/")}
    assert set(staff) == {"/api/staff/config", "/api/staff/klachten",
                          "/api/staff/klachten/{reference}",
                          "/api/staff/klachten/{reference}/acties",
                          "/api/staff/klachten/{reference}/toegang", "/api/staff/export",
                          "/api/staff/jaarcijfers", "/api/staff/klachten/{reference}/inzage",
                          "/api/staff/klachten/{reference}/verbetering",
                          "/api/staff/klachten/{reference}/wissen",
                          "/api/staff/klachten/{reference}/bijlagen/{attachment_id}"}
    # THEN each needs the JWT authorizer of the staff user pool (issuer) and its client
    # (audience); the public routes need none
    authorizer = api["Body"]["components"]["securitySchemes"]["StaffSignIn"][
        "x-amazon-apigateway-authorizer"]["jwtConfiguration"]
    assert authorizer["issuer"] == {
        "Fn::Sub": "https://cognito-idp.${AWS::Region}.amazonaws.com/${StaffUserPool}"}
    assert authorizer["audience"] == [{"Ref": "StaffUserPoolClient"}]
    for path, methods in staff.items():
        for operation in methods.values():
            # Only where to sign in is open to all
            expected = None if path == "/api/staff/config" else [{"StaffSignIn": []}]
            assert operation.get("security") == expected, path
    assert all("security" not in operation for operation in paths["/api/klachten"].values())
    # AND the pool takes no sign-ups and requires TOTP
    pool = resources_of(stack, "AWS::Cognito::UserPool")["StaffUserPool"]
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert pool["MfaConfiguration"] == "ON" and pool["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    groups = {g["GroupName"] for g in resources_of(stack, "AWS::Cognito::UserPoolGroup").values()}
    assert groups == {"klachtenfunctionaris", "beheerder"}


def test_access_log_is_append_only_for_the_roles_that_write_it(stack: dict[str, Any]) -> None:
    from complaint_form.audit import COMPLAINANT_PARTITION

    # GIVEN every role in the stack
    for name, role in resources_of(stack, "AWS::IAM::Role").items():
        statements = [s for p in role.get("Policies", [])
                      for s in p["PolicyDocument"]["Statement"]]
        on_log = [s for s in statements
                  if {"Fn::GetAtt": ["AccessLogTable", "Arn"]} in
                  (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]])]
        actions = {a for s in on_log for a in
                   (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])}
        # THEN none may change or delete an entry; only the staff role reads it, and the
        # retention job's and the public function's roles (the complainant's own look at
        # their status page) only add to it
        assert not actions & {"dynamodb:UpdateItem", "dynamodb:DeleteItem",
                              "dynamodb:BatchWriteItem"}, name
        assert not actions or name == "StaffFunctionRole" or (
            name in ("RetentionFunctionRole", "ComplaintFunctionRole")
            and actions == {"dynamodb:PutItem"}), name
        if name == "ComplaintFunctionRole":
            # the internet-facing function writes in the complainant's partition only
            [statement] = on_log
            assert statement["Condition"] == {"ForAllValues:StringLike": {
                "dynamodb:LeadingKeys": [f"{COMPLAINANT_PARTITION}*"]}}
    table = resources_of(stack, "AWS::DynamoDB::Table")["AccessLogTable"]
    assert table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert table["SSESpecification"]["KMSMasterKeyId"] == {"Ref": "DataKey"}
    assert "TimeToLiveSpecification" not in table
    assert stack["Resources"]["AccessLogTable"]["DeletionPolicy"] == "Retain"


def test_reminder_role_reads_the_status_index_and_writes_only_its_marker(
        stack: dict[str, Any]) -> None:
    from fnmatch import fnmatch

    from complaint_form.dynamodb import _reminder_key

    role = resources_of(stack, "AWS::IAM::Role")["ReminderFunctionRole"]
    statements = [s for p in role["Policies"] for s in p["PolicyDocument"]["Statement"]
                  if str(s["Action"]).count("dynamodb:")]
    [read] = [s for s in statements if s["Action"] == "dynamodb:Query"]
    assert read["Resource"] == {"Fn::Sub": "${ComplaintsTable.Arn}/index/by-status"}
    [write] = [s for s in statements if s is not read]
    [pattern] = write["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]
    assert fnmatch(_reminder_key(date(2026, 11, 30))["pk"]["S"], pattern)
    assert not fnmatch("KLACHT#KPZ-7K4M-Q9XD", pattern)



@pytest.mark.parametrize(("role_name", "attributes"), [
    ("ReminderFunctionRole", "DEADLINE_ATTRIBUTES"),
    ("RetentionFunctionRole", "RETENTION_ATTRIBUTES")])
def test_scheduled_roles_read_from_the_status_index_only_what_their_code_projects(
        stack: dict[str, Any], role_name: str, attributes: str) -> None:
    from complaint_form import dynamodb

    # GIVEN the role's Query on the status index
    role = resources_of(stack, "AWS::IAM::Role")[role_name]
    [query] = [s for p in role["Policies"] for s in p["PolicyDocument"]["Statement"]
               if s["Action"] == "dynamodb:Query"]
    # THEN it may read the keys and the attributes the code asks for, and no whole items
    readable = set(query["Condition"]["ForAllValues:StringEquals"]["dynamodb:Attributes"])
    assert readable == {"pk", "sk", "gsi2pk", "gsi2sk", *getattr(dynamodb, attributes)}
    assert query["Condition"]["StringEqualsIfExists"] == {
        "dynamodb:Select": "SPECIFIC_ATTRIBUTES"}
