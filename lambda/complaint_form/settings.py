"""Runtime settings: environment variables (the names in infra/template.yaml), read once,
when first needed. The defaults serve local runs (moto)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, PositiveInt, SecretStr, StringConstraints
from pydantic_settings import BaseSettings, SettingsConfigDict

from klachtenportaal.privacy import RETENTION_DAYS

# A shape check: `infra.deploy` checks these addresses in full before it deploys them.
Address = Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(frozen=True)

    table_name: str = "klachtenportaal-klachten"
    idempotency_table_name: str = "klachtenportaal-idempotency"
    access_log_table_name: str = "klachtenportaal-toegang"
    # The files complainants attach (uploaded straight to S3, scanned by GuardDuty).
    attachments_bucket: str = "klachtenportaal-bijlagen"
    # Where the behandelomgeving signs in: the staff pool's app client and Cognito's address.
    staff_client_id: str | None = None
    cognito_endpoint: str | None = None
    sender_email: Address = "noreply@klachtenportaalzorg.nl"
    notification_email: Address = "info@klachtenportaalzorg.nl"
    site_url: str = "http://localhost:8000/"
    # Where `infra.deploy` puts the registry: beside the packages in the bundle.
    registry_path: Path = Path(__file__).resolve().parents[1] / "registry.json"
    # Days a closed complaint is kept: the default is the one the privacy page states.
    retention_days: PositiveInt = RETENTION_DAYS
    # Days the link that confirms the address and sends the copy of the complaint works.
    copy_link_days: PositiveInt = 7
    max_body_bytes: PositiveInt = 64_000
    min_fill_seconds: int = Field(3, ge=0)
    # An e-mail SES refused is tried again by the scheduled retry, waiting longer each time
    # (delivery.retry_due), and given up after this many attempts, with an alarm.
    # Submissions a day with one e-mail address: more than a person sends, fewer than an
    # attacker mailing a stranger needs.
    submissions_per_address_per_day: PositiveInt = 3
    email_max_attempts: PositiveInt = 8
    # CloudFront sends it with every request (infra/template.yaml); a request without it came
    # around the web ACL and is refused. Unset only where nothing stands in front (tests).
    origin_secret: SecretStr | None = Field(None, min_length=16)
    email_retry_wait_seconds: PositiveInt = 300
    # The SES configuration set whose events (sent, delivered, bounced ...) reach
    # `complaint_form.email_events`; None (locally, in tests): sent without one.
    ses_configuration_set: str | None = None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
