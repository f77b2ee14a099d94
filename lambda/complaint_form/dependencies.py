"""What the service needs from outside, wired once per execution environment. Tests and local
runs replace parts of it (the clock, a client, the registry)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from complaint_form.dynamodb import ComplaintRepository
from complaint_form.ses import Mailer
from complaint_form.settings import Settings, get_settings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    from complaint_form.audit import AccessLog
    from complaint_form.emails import EmailRenderer
    from complaint_form.pages import HtmlPages
    from complaint_form.uploads import UploadStore
    from klachtenportaal.registry import Registry


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Dependencies:
    """The registry, the templates and the idempotency store load on first use: a cold start
    that answers a page or an error does not need them."""

    settings: Settings
    repository: ComplaintRepository
    mailer: Mailer
    clock: Callable[[], datetime] = _utc_now

    @cached_property
    def registry(self) -> Registry:
        from klachtenportaal.registry import Registry

        # Exported by `infra.deploy` from the validated providers.yaml.
        return Registry.model_validate_json(self.settings.registry_path.read_bytes())

    @cached_property
    def idempotency(self) -> DynamoDBPersistenceLayer:
        from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

        return DynamoDBPersistenceLayer(table_name=self.settings.idempotency_table_name)

    @cached_property
    def uploads(self) -> UploadStore:
        from complaint_form.uploads import UploadStore

        return UploadStore(self.settings.attachments_bucket)

    @cached_property
    def access_log(self) -> AccessLog:
        from complaint_form.audit import AccessLog

        return AccessLog(self.settings.access_log_table_name)

    @cached_property
    def emails(self) -> EmailRenderer:
        from complaint_form.emails import EmailRenderer

        return EmailRenderer(self.settings.notification_email, self.settings.site_url)

    @cached_property
    def pages(self) -> HtmlPages:
        from complaint_form.pages import HtmlPages

        return HtmlPages(self.registry, self.settings.site_url)

    def use_registry(self, registry: Registry) -> None:
        """Use `registry` from now on (local runs: the registry the site was built from)."""
        self.registry = registry
        vars(self).pop("pages", None)  # made from the registry before: made again on use


@lru_cache(maxsize=1)
def get_dependencies() -> Dependencies:
    settings = get_settings()
    return Dependencies(settings=settings, repository=ComplaintRepository(settings.table_name),
                        mailer=Mailer(settings.sender_email,
                                      configuration_set=settings.ses_configuration_set))
