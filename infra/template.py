"""The stack template, and its SAM transform done offline (no AWS call needed)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator
from samtranslator.yaml_helper import yaml_parse

TEMPLATE = Path(__file__).resolve().parent / "template.yaml"


def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    template: dict[str, Any] = yaml_parse(path.read_text(encoding="utf-8"))
    return template


def function_globals(template: dict[str, Any] | None = None) -> dict[str, Any]:
    """What every function in the stack shares: runtime, environment variables, ..."""
    shared: dict[str, Any] = (template or load_template())["Globals"]["Function"]
    return shared


def python_runtimes(template: dict[str, Any] | None = None) -> list[str]:
    """The Lambda runtimes the functions may run on: "python3.11", ..."""
    runtimes: list[str] = (template or load_template())["Parameters"]["PythonRuntime"][
        "AllowedValues"]
    return runtimes


def security_headers(policy: str, inline_script_hashes: str = "",
                     template: dict[str, Any] | None = None) -> list[tuple[str, str, bool]]:
    """What the response headers policy `policy` (SecurityHeaders for the site,
    ApiSecurityHeaders for /api/*) puts on answers: name, value, and whether it replaces
    the origin's own (else it is added only where the origin sent none). HSTS aside: it
    means nothing over plain HTTP, and `make serve` sends these too."""
    config = (template or load_template())["Resources"][policy]["Properties"][
        "ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    csp = config["ContentSecurityPolicy"]
    value = csp["ContentSecurityPolicy"]
    if isinstance(value, dict):
        region = os.environ.get("AWS_DEFAULT_REGION", "eu-west-1")
        bucket = os.environ.get("ATTACHMENTS_BUCKET", "klachtenportaal-bijlagen")
        value = value["Fn::Sub"].replace("${InlineScriptHashes}", inline_script_hashes
                                         ).replace("${AWS::Region}", region).replace(
            "${AttachmentsBucket.RegionalDomainName}", f"{bucket}.s3.{region}.amazonaws.com")
    return [("Content-Security-Policy", " ".join(value.split()), csp["Override"]),
            ("X-Content-Type-Options", "nosniff", config["ContentTypeOptions"]["Override"]),
            ("Referrer-Policy", config["ReferrerPolicy"]["ReferrerPolicy"],
             config["ReferrerPolicy"]["Override"]),
            ("X-Frame-Options", config["FrameOptions"]["FrameOption"],
             config["FrameOptions"]["Override"])]


def transform(template: dict[str, Any], parameters: dict[str, str] | None = None,
              region: str = "eu-west-1") -> dict[str, Any]:
    """Plain CloudFormation from the SAM template, as CloudFormation's own transform does."""
    import boto3

    # The translator asks a session for the region and partition only.
    session = boto3.session.Session(region_name=region, aws_access_key_id="offline",
                                    aws_secret_access_key="offline")
    translator = Translator(managed_policy_map={}, sam_parser=Parser(), boto_session=session)
    result: dict[str, Any] = translator.translate(sam_template=template,
                                                 parameter_values=parameters or {})
    return result
