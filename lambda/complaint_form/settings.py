"""Runtime settings, read from the environment once per cold start.

The variable names match `infra/template.yaml`; the defaults serve local runs (moto).
E-mail addresses get a shape check here: `infra.deploy` checks them fully before they reach
the environment, which spares every cold start loading the e-mail validator.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, StringConstraints

_REPO_ROOT = Path(__file__).resolve().parents[2]
Address = Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)

    table_name: str = Field("klachtenportaal-klachten", alias="TABLE_NAME")
    idempotency_table_name: str = Field("klachtenportaal-idempotency",
                                        alias="IDEMPOTENCY_TABLE_NAME")
    sender_email: Address = Field("noreply@klachtenportaalzorg.nl", alias="SENDER_EMAIL")
    notification_email: Address = Field("info@klachtenportaalzorg.nl",
                                         alias="NOTIFICATION_EMAIL")
    allowed_origin: str = Field("http://localhost:8000", alias="ALLOWED_ORIGIN")
    site_url: str = Field("http://localhost:8000/", alias="SITE_URL")
    registry_path: Path = Field(_REPO_ROOT / "providers.yaml", alias="REGISTRY_PATH")
    retention_days: PositiveInt = Field(730, alias="RETENTION_DAYS")
    max_body_bytes: PositiveInt = Field(64_000, alias="MAX_BODY_BYTES")
    min_fill_seconds: int = Field(3, ge=0, alias="MIN_FILL_SECONDS")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    names = {field.alias for field in Settings.model_fields.values() if field.alias}
    return Settings.model_validate({name: os.environ[name] for name in names if name in os.environ})
