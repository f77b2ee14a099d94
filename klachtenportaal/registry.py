"""The registry model: what `providers.yaml` may hold.

Every model forbids unknown keys so a typo is an error, not silently ignored data.
The same models are exported as a JSON Schema (`providers.schema.json`) for editors.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    PositiveInt,
    StringConstraints,
)

from klachtenportaal.fields import EmailAddress, Key, PhoneNumber

_MARKUP = re.compile(r"<[A-Za-z/!]|\]\(|\*\*|`")


def _check_plain_text(value: str) -> str:
    if _MARKUP.search(value):
        raise ValueError("plain text expected: HTML and Markdown belong in the templates")
    return value


Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
    AfterValidator(_check_plain_text),
]
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_check_plain_text),
]
Postcode = Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]{3} ?[A-Z]{2}$")]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Address(Model):
    name: Name | None = None
    street: Name
    postcode: Postcode
    city: Name


class Link(Model):
    title: Name
    url: HttpUrl


class Contact(Model):
    """A person or organisation a client can turn to."""

    name: Name
    role: Name | None = None
    description: Text | None = None
    audience: Text | None = Field(None, description="Who may use it, e.g. only under 18.")
    email: EmailAddress | None = None
    phone: PhoneNumber | None = None
    phone_hours: Text | None = None
    chat_url: HttpUrl | None = None
    chat_hours: Text | None = None
    website: HttpUrl | None = None
    address: Address | None = None
    links: list[Link] = []


class SharedContact(Contact):
    kind: Literal["vertrouwenspersoon", "toezicht"]


class Step(Model):
    title: Name
    text: Text | None = None
    regelingen: list[Key] | None = Field(
        None, description="Only for these regimes of the provider; all when left out."
    )


class Officer(Model):
    """The role of the complaints officer (klachtenfunctionaris)."""

    summary: list[Text]
    tasks: list[Text]
    guarantees: list[Text]
    responsibilities: list[Text]
    confidentiality: Text


class Commission(Model):
    name: Name
    kind: Literal["geschillencommissie", "klachtencommissie"]
    description: Text


class Portal(Model):
    """The complaints body itself."""

    name: Name
    email: EmailAddress
    phone: PhoneNumber
    phone_hours: Text
    address: Address
    website: HttpUrl
    contact_url: HttpUrl
    form_url: HttpUrl
    contact_within_working_days: PositiveInt
    intro: list[Text]
    advice: list[Text]
    intake: list[Step] = Field(description="What the complaints body does with a complaint.")
    officer: Officer
    commissions: dict[Key, Commission]


class Terms(Model):
    """A regime's terms, as numbers, so deadlines are computed rather than typed."""

    judgement_weeks: PositiveInt | None = None
    extension_weeks: PositiveInt | None = None
    further_extension_by_agreement: bool = False
    measures_report_months: PositiveInt | None = None


class Regeling(Model):
    """A legal regime (Wkkgz, Jeugdwet, Wmo) with its procedure."""

    name: Name
    law: Name
    title: Name
    applies_to: Text
    summary: Text
    officer: Literal["free", "optional"] = Field(
        description="free: a free, independent officer is part of the route; optional: on request."
    )
    commission: Key
    binding: bool
    compensation: bool
    terms: Terms
    steps: list[Step] = Field(min_length=1)
    vertrouwenspersonen: list[Key] = []
    shared_contacts: list[Key] = []


class Provider(Model):
    """An affiliated care provider (zorgaanbieder)."""

    slug: Key
    name: Name
    legal_name: Name | None = None
    website: HttpUrl | None = None
    regelingen: list[Key] = Field(min_length=1)
    regulation: Name | None = Field(None, description="Name and version of its own scheme.")
    intro: list[Text] = []
    notes: list[Text] = []
    first_steps: list[Step] = []
    contacts: list[Contact] = []
    vertrouwenspersoon: Contact | None = Field(None, description="Its own confidential adviser.")
    vertrouwenspersonen: list[Key] = Field([], description="Shared confidential advisers.")
    shared_contacts: list[Key] = []


class Registry(Model):
    portal: Portal
    regelingen: dict[Key, Regeling]
    contacts: dict[Key, SharedContact]
    providers: list[Provider]

    def provider(self, slug: str) -> Provider | None:
        return next((p for p in self.providers if p.slug == slug), None)

    def regeling_choices(self, provider: Provider) -> list[tuple[str, str]]:
        """The regimes a complaint about `provider` can fall under: (key, label) for the form."""
        return [(key, f"{self.regelingen[key].title} ({self.regelingen[key].name})")
                for key in provider.regelingen]
