"""One-command deploy and teardown of the whole product to AWS.

`python -m infra.deploy deploy --env test` builds the Lambda bundle and the site, deploys the
web ACL's stack (`infra/edge.yaml`, in us-east-1 as CloudFront requires) and the main stack
(`infra/template.yaml`, transformed offline), uploads the site and invalidates what
changed. Each step skips itself when its input did not change, so a second run after an
edit of `providers.yaml` uploads a new bundle and the changed pages only.
Credentials come from the usual AWS chain (environment, profile, SSO); none are stored here.
"""

from __future__ import annotations

import argparse
import base64
import compileall
import contextlib
import hashlib
import io
import json
import mimetypes
import py_compile
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError
from complaint_form.dynamodb import ComplaintRepository
from pydantic import TypeAdapter, ValidationError

from infra import edge
from infra.template import load_template, python_runtimes, transform
from klachtenportaal.fields import EmailAddress
from klachtenportaal.privacy import RETENTION_DAYS
from sitegen.cli import build as build_site
from sitegen.loader import load_registry
from sitegen.translations import catalogue_problems

REPO_ROOT = Path(__file__).resolve().parent.parent
ENVIRONMENTS = REPO_ROOT / "infra" / "environments"
# The domain and the form backend; the site generator stays out of the bundle.
PACKAGES = ["klachtenportaal", "lambda/complaint_form"]
# A web ACL for CloudFront can only be made in this region.
EDGE_REGION = "us-east-1"
# The functions run the Python that deploys them: the bundle's bytecode is that version's.
LAMBDA_PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
TEMPLATE_TAG = "klachtenportaal:template-sha256"
_INLINE_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<code>.*?)</script>", re.S | re.I)


class EnvironmentConfigError(Exception):
    """An environment file holds a value that cannot be deployed."""


class BundleError(Exception):
    """The Lambda bundle cannot be built as the runtime needs it."""


def runtime_requirements(pyproject: Path = REPO_ROOT / "pyproject.toml") -> list[str]:
    """What the bundle installs: the domain's dependencies and the backend's (`lambda`)."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["lambda"]]


def check_python(version: tuple[int, int] = sys.version_info[:2]) -> None:
    """The bundle's bytecode is made by the Python running the deploy, and only the same
    Python version can use it: without it, every cold start compiles every module again
    (Lambda's file system is read-only). So the functions run that version, which must be a
    Lambda runtime."""
    runtime = f"python{version[0]}.{version[1]}"
    if runtime not in python_runtimes():
        raise BundleError(
            f"this deploy runs Python {version[0]}.{version[1]}, and the functions run the "
            f"Python that deploys them, but {runtime} is not among the Lambda runtimes that "
            f"infra/template.yaml allows ({', '.join(python_runtimes())}). Deploy with one "
            f"of those.")


@dataclass(frozen=True)
class Environment:
    """One deployment target, read from `infra/environments/<name>.json`."""

    name: str
    stack_name: str
    region: str
    domain_name: str
    certificate_arn: str
    sender_domain: str
    sender_email: str
    notification_email: str
    alarm_email: str
    retention_days: int = RETENTION_DAYS
    artifacts_bucket: str | None = None

    def __post_init__(self) -> None:
        # The Lambda only checks the shape of these addresses at each cold start; the full
        # check, the registry's and the form's, happens here, before they reach it.
        for name in ("sender_email", "notification_email", "alarm_email"):
            address = getattr(self, name)
            try:
                TypeAdapter(EmailAddress).validate_python(address)
            except ValidationError as exc:
                reason = exc.errors()[0]["msg"].removeprefix("Value error, ")
                raise EnvironmentConfigError(f"{name}: {address!r} is not a valid e-mail "
                                             f"address ({reason})") from None
        if self.retention_days != RETENTION_DAYS:
            raise EnvironmentConfigError(
                f"retention_days: {self.retention_days}, but the privacy page promises "
                f"{RETENTION_DAYS} (klachtenportaal/privacy.py): change it there, for every "
                f"environment")
        if not self.sender_email.endswith("@" + self.sender_domain):
            raise EnvironmentConfigError(
                f"sender_email: {self.sender_email!r} is not in sender_domain "
                f"{self.sender_domain!r}, so SES would refuse to send from it")

    @classmethod
    def load(cls, path: Path) -> Environment:
        data = json.loads(path.read_text(encoding="utf-8"))
        try:
            return cls(**data)
        except EnvironmentConfigError as exc:
            raise EnvironmentConfigError(f"{path}: {exc}") from None

    @property
    def site_url(self) -> str:
        return f"https://{self.domain_name}/"


@dataclass
class DeployReport:
    code_key: str = ""
    code_uploaded: bool = False
    stack_updated: bool = False
    uploaded: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    invalidated: list[str] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)
    complaints_upgraded: int = 0


@dataclass
class AwsClients:
    cloudformation: Any
    s3: Any
    cloudfront: Any
    sts: Any
    edge_cloudformation: Any
    dynamodb: Any

    @classmethod
    def for_region(cls, region: str) -> AwsClients:
        session = boto3.session.Session(region_name=region)
        return cls(cloudformation=session.client("cloudformation"), s3=session.client("s3"),
                   cloudfront=session.client("cloudfront"), sts=session.client("sts"),
                   edge_cloudformation=boto3.session.Session(
                       region_name=EDGE_REGION).client("cloudformation"),
                   dynamodb=session.client("dynamodb"))


def inline_script_hashes(site_dir: Path) -> list[str]:
    """CSP hashes of the executable inline scripts the theme puts in the pages."""
    hashes = set()
    for page in site_dir.rglob("*.html"):
        for match in _INLINE_SCRIPT.finditer(page.read_text(encoding="utf-8")):
            attrs, code = match.group("attrs"), match.group("code")
            if "src=" in attrs or "application/json" in attrs or not code.strip():
                continue
            digest = base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()
            hashes.add(f"'sha256-{digest}'")
    return sorted(hashes)


def vendor_dependencies(target: Path) -> None:
    """Install the Lambda's libraries for its runtime (arm64) into `target`."""
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--target", str(target),
         "--platform", "manylinux2014_aarch64", "--implementation", "cp",
         "--python-version", LAMBDA_PYTHON, "--only-binary=:all:", "--no-compile",
         *runtime_requirements()],
        check=True,
    )


def compile_bytecode(folders: Sequence[Path]) -> None:
    """Bytecode for every Python file under `folders`, with unchecked hashes: the zip's fixed
    file times would make time-stamped bytecode look stale. BundleError names the files that
    do not compile."""
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        results = [compileall.compile_dir(folder, quiet=1, force=True,
                                          invalidation_mode=py_compile.PycInvalidationMode
                                          .UNCHECKED_HASH) for folder in folders]
    if not all(results):
        raise BundleError(f"these files do not compile for Python {LAMBDA_PYTHON}:\n"
                          + output.getvalue().strip())


def _zip_directory(source: Path, target: Path) -> str:
    """A reproducible zip (sorted entries, fixed times), so equal content hashes equally."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(str(path.relative_to(source)), date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return hashlib.sha256(target.read_bytes()).hexdigest()


def build_lambda_bundle(repo_root: Path, work_dir: Path,
                        vendor: Callable[[Path], None] = vendor_dependencies,
                        ) -> tuple[Path, str]:
    """The Lambda zip: libraries, our packages and the registry as JSON, all compiled for
    the runtime's Python; with its sha256."""
    check_python()
    problems = catalogue_problems()
    if problems:
        raise BundleError("\n".join([*problems, "The backend's texts need their translations "
                                     "(README, Languages); nothing was deployed."]))
    requirements = [f"python {LAMBDA_PYTHON}", *runtime_requirements()]
    requirements_key = hashlib.sha256("\n".join(requirements).encode()).hexdigest()[:16]
    dependencies = work_dir / f"dependencies-{requirements_key}"
    if not dependencies.exists():
        staging = work_dir / "dependencies-staging"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        vendor(staging)
        compile_bytecode([staging])
        staging.rename(dependencies)
    bundle = work_dir / "lambda"
    shutil.rmtree(bundle, ignore_errors=True)
    shutil.copytree(dependencies, bundle)
    for package in PACKAGES:
        source = repo_root / package
        shutil.copytree(source, bundle / source.name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    compile_bytecode([bundle / Path(package).name for package in PACKAGES])
    registry = load_registry(repo_root / "providers.yaml")
    (bundle / "registry.json").write_text(registry.model_dump_json(), encoding="utf-8")
    archive = work_dir / "lambda.zip"
    return archive, _zip_directory(bundle, archive)


def _content_type(path: Path) -> str:
    guessed = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") or guessed in {
        "application/json", "application/javascript", "application/xml"} else guessed


def _cache_control(relative: str) -> str:
    # Theme assets carry a content hash in their names; pages must be fresh after a deploy.
    if relative.startswith("assets/") and re.search(r"\.[0-9a-f]{8,}\.", relative):
        return "public, max-age=31536000, immutable"
    return "public, max-age=300, must-revalidate"


class Deployer:
    def __init__(self, environment: Environment, clients: AwsClients | None = None,
                 repo_root: Path = REPO_ROOT, work_dir: Path | None = None,
                 vendor: Callable[[Path], None] = vendor_dependencies,
                 adapt_template: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
                 wait_delay: int = 10) -> None:
        self.env = environment
        self.clients = clients or AwsClients.for_region(environment.region)
        self.repo_root = repo_root
        self.work_dir = work_dir or repo_root / "build" / environment.name
        self.vendor = vendor
        self.adapt_template = adapt_template or (lambda template: template)
        self.wait = {"Delay": wait_delay, "MaxAttempts": 360}

    # -- the steps ---------------------------------------------------------------------

    def deploy(self) -> DeployReport:
        report = DeployReport()
        self.work_dir.mkdir(parents=True, exist_ok=True)
        site_dir = self.work_dir / "site"
        self._build_site(site_dir)
        bucket = self.ensure_artifacts_bucket()
        archive, digest = build_lambda_bundle(self.repo_root, self.work_dir, self.vendor)
        report.code_key = f"lambda/{digest}.zip"
        report.code_uploaded = self._upload_once(bucket, report.code_key, archive.read_bytes())
        web_acl = self.deploy_edge()
        parameters = self._parameters(bucket, report.code_key, inline_script_hashes(site_dir),
                                      web_acl)
        report.stack_updated = self.deploy_stack(bucket, parameters)
        report.outputs = outputs = self.stack_outputs()
        report.complaints_upgraded = ComplaintRepository(
            outputs["ComplaintsTableName"], self.clients.dynamodb).upgrade_stored(
                self.env.retention_days)
        report.uploaded, report.deleted = self.sync_site(site_dir, outputs["SiteBucketName"])
        if "DistributionId" in outputs and (report.uploaded or report.deleted):
            report.invalidated = self.invalidate(outputs["DistributionId"],
                                                 [*report.uploaded, *report.deleted])
        return report

    def destroy(self) -> list[str]:
        """Delete the stacks and the site; the complaint data (tables, key) is retained."""
        outputs = self.stack_outputs()
        if not outputs:
            return []
        self._empty_bucket(outputs["SiteBucketName"])
        # The distribution uses the web ACL: the main stack goes first.
        for cloudformation, name in ((self.clients.cloudformation, self.env.stack_name),
                                     (self.clients.edge_cloudformation, self.edge_stack_name)):
            cloudformation.delete_stack(StackName=name)
            cloudformation.get_waiter("stack_delete_complete").wait(StackName=name,
                                                                    WaiterConfig=self.wait)
        return [name for key, name in outputs.items() if key == "ComplaintsTableName"]

    @property
    def edge_stack_name(self) -> str:
        return f"{self.env.stack_name}-edge"

    def deploy_edge(self) -> str:
        """Create or update the web ACL's stack; the web ACL's ARN."""
        portal = load_registry(self.repo_root / "providers.yaml").portal
        parameters = edge.edge_parameters(self.env.name, portal)
        template = json.dumps(self.adapt_template(load_template(edge.TEMPLATE)), sort_keys=True)
        self._deploy(self.clients.edge_cloudformation, self.edge_stack_name,
                     {"TemplateBody": template}, template, parameters, capabilities=[])
        outputs = self._outputs(self.clients.edge_cloudformation, self.edge_stack_name)
        return outputs["WebAclArn"]

    def stack_outputs(self) -> dict[str, str]:
        return self._outputs(self.clients.cloudformation, self.env.stack_name)

    def _outputs(self, cloudformation: Any, name: str) -> dict[str, str]:
        stack = self._describe_stack(cloudformation, name) or {}
        return {item["OutputKey"]: item["OutputValue"] for item in stack.get("Outputs", [])}

    def ensure_artifacts_bucket(self) -> str:
        s3 = self.clients.s3
        name = self.env.artifacts_bucket or (
            f"klachtenportaal-artifacts-"
            f"{self.clients.sts.get_caller_identity()['Account']}-{self.env.region}")
        try:
            s3.head_bucket(Bucket=name)
        except ClientError:
            s3.create_bucket(Bucket=name, CreateBucketConfiguration={
                "LocationConstraint": self.env.region})
            s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={
                "BlockPublicAcls": True, "IgnorePublicAcls": True,
                "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
            s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
        return name

    def deploy_stack(self, bucket: str, parameters: dict[str, str]) -> bool:
        """Create or update the stack; returns False when template and parameters are as
        deployed (recorded in a stack tag), so an unchanged stack is not touched."""
        template = self.adapt_template(transform(load_template(), parameters, self.env.region))
        body = json.dumps(template, sort_keys=True)
        key = f"templates/{hashlib.sha256(body.encode()).hexdigest()}.json"
        self._upload_once(bucket, key, body.encode())
        url = f"https://{bucket}.s3.{self.env.region}.amazonaws.com/{key}"
        return self._deploy(self.clients.cloudformation, self.env.stack_name,
                            {"TemplateURL": url}, body, parameters,
                            capabilities=["CAPABILITY_IAM"])

    def _deploy(self, cloudformation: Any, name: str, template: dict[str, str], body: str,
                parameters: dict[str, str], capabilities: list[str]) -> bool:
        digest = hashlib.sha256((body + json.dumps(parameters, sort_keys=True)).encode())
        fingerprint = digest.hexdigest()
        stack = self._describe_stack(cloudformation, name)
        tags = {tag["Key"]: tag["Value"] for tag in (stack or {}).get("Tags", [])}
        if tags.get(TEMPLATE_TAG) == fingerprint:
            return False
        arguments = {
            "StackName": name, **template,
            "Parameters": [{"ParameterKey": k, "ParameterValue": v}
                           for k, v in sorted(parameters.items())],
            "Capabilities": capabilities,
            "Tags": [{"Key": TEMPLATE_TAG, "Value": fingerprint},
                     {"Key": "environment", "Value": self.env.name}],
        }
        if stack:
            cloudformation.update_stack(**arguments)
            waiter = "stack_update_complete"
        else:
            cloudformation.create_stack(**arguments, EnableTerminationProtection=(
                self.env.name == "production"))
            waiter = "stack_create_complete"
        cloudformation.get_waiter(waiter).wait(StackName=name, WaiterConfig=self.wait)
        return True

    def sync_site(self, site_dir: Path, bucket: str) -> tuple[list[str], list[str]]:
        """Upload new and changed files, delete files that are gone; returns both lists."""
        s3 = self.clients.s3
        remote = {}
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for item in page.get("Contents", []):
                remote[item["Key"]] = item["ETag"].strip('"')
        uploaded = []
        local = set()
        for path in sorted(p for p in site_dir.rglob("*") if p.is_file()):
            key = path.relative_to(site_dir).as_posix()
            local.add(key)
            data = path.read_bytes()
            if remote.get(key) == hashlib.md5(data, usedforsecurity=False).hexdigest():
                continue
            s3.put_object(Bucket=bucket, Key=key, Body=data, ContentType=_content_type(path),
                          CacheControl=_cache_control(key))
            uploaded.append(key)
        deleted = sorted(set(remote) - local)
        for start in range(0, len(deleted), 1000):
            s3.delete_objects(Bucket=bucket, Delete={
                "Objects": [{"Key": key} for key in deleted[start:start + 1000]]})
        return uploaded, deleted

    def invalidate(self, distribution_id: str, keys: Iterable[str]) -> list[str]:
        paths = sorted({"/" + key.removesuffix("index.html") for key in keys}
                       | {"/" + key for key in keys})
        # Past a few hundred paths one wildcard is cheaper and as effective.
        if len(paths) > 300:
            paths = ["/*"]
        self.clients.cloudfront.create_invalidation(
            DistributionId=distribution_id,
            InvalidationBatch={"Paths": {"Quantity": len(paths), "Items": paths},
                               "CallerReference": hashlib.sha256(
                                   "\n".join(paths).encode()).hexdigest()[:32]})
        return paths

    # -- helpers -----------------------------------------------------------------------

    def _build_site(self, site_dir: Path) -> None:
        # The API is under the site's own address (CloudFront's /api/*), as under `make serve`.
        if build_site(self.repo_root / "providers.yaml", site_dir, self.repo_root / "mkdocs.yml",
                      site_url=self.env.site_url) != 0:
            raise RuntimeError("the site did not build; see the messages above")

    def _parameters(self, bucket: str, code_key: str, hashes: list[str],
                    web_acl: str) -> dict[str, str]:
        env = self.env
        return {
            "Environment": env.name, "DomainName": env.domain_name,
            "CertificateArn": env.certificate_arn, "SenderDomain": env.sender_domain,
            "SenderEmail": env.sender_email, "NotificationEmail": env.notification_email,
            "AlarmEmail": env.alarm_email, "RetentionDays": str(env.retention_days),
            "CodeBucket": bucket, "CodeKey": code_key, "InlineScriptHashes": " ".join(hashes),
            "PythonRuntime": f"python{LAMBDA_PYTHON}", "WebAclArn": web_acl,
        }

    def _describe_stack(self, cloudformation: Any, name: str) -> dict[str, Any] | None:
        try:
            stacks = cloudformation.describe_stacks(StackName=name)
        except ClientError as exc:
            if "does not exist" in str(exc):
                return None
            raise
        stack: dict[str, Any] = stacks["Stacks"][0]
        return stack

    def _upload_once(self, bucket: str, key: str, data: bytes) -> bool:
        try:
            self.clients.s3.head_object(Bucket=bucket, Key=key)
            return False
        except ClientError:
            self.clients.s3.put_object(Bucket=bucket, Key=key, Body=data)
            return True

    def _empty_bucket(self, bucket: str) -> None:
        s3 = self.clients.s3
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
            objects = [{"Key": v["Key"], "VersionId": v["VersionId"]}
                       for v in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]]
            if objects:
                s3.delete_objects(Bucket=bucket, Delete={"Objects": objects})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.deploy", description=__doc__)
    parser.add_argument("action", choices=["deploy", "destroy"])
    parser.add_argument("--env", default="test", help="name of infra/environments/<env>.json")
    args = parser.parse_args(argv)
    config = ENVIRONMENTS / f"{args.env}.json"
    if not config.exists():
        print(f"{config} is missing: copy infra/environments/example.json and fill it in.",
              file=sys.stderr)
        return 2
    try:
        deployer = Deployer(Environment.load(config))
    except (EnvironmentConfigError, TypeError) as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.action == "destroy":
        kept = deployer.destroy()
        print(f"Stack {deployer.env.stack_name} deleted. Kept (delete by hand if meant): "
              f"{', '.join(kept) or 'nothing'} and the KMS key.")
        return 0
    try:
        check_python()  # before anything is built or uploaded
    except BundleError as exc:
        print(exc, file=sys.stderr)
        return 2
    report = deployer.deploy()
    print(json.dumps({
        "site": deployer.env.site_url, "api": deployer.env.site_url + "api/klachten",
        "lambda_bundle": report.code_key, "bundle_uploaded": report.code_uploaded,
        "stack_updated": report.stack_updated, "files_uploaded": len(report.uploaded),
        "files_deleted": len(report.deleted), "paths_invalidated": len(report.invalidated),
        "complaints_upgraded": report.complaints_upgraded,
    }, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
