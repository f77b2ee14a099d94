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
    PrivateAttr,
    StringConstraints,
    field_validator,
    model_validator,
)

from klachtenportaal.fields import EmailAddress, Key, PhoneNumber, Postcode
from klachtenportaal.i18n import SOURCE_LANGUAGE, Language, RegistryText, translated

_MARKUP = re.compile(r"<[A-Za-z/!]|\]\(|\*\*|`")


def _check_plain_text(value: str) -> str:
    if _MARKUP.search(value):
        raise ValueError("plain text expected: HTML and Markdown belong in the templates")
    return value


# Text for readers, shown in the reader's language (klachtenportaal/i18n.py).
Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
    AfterValidator(_check_plain_text),
    AfterValidator(RegistryText),
]
# A name, shown as it is in every language.
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_check_plain_text),
]
# A short text for readers (a title, a label), shown in the reader's language.
Label = Annotated[Name, AfterValidator(RegistryText)]
Source = Annotated[Name, Field(description="Where this comes from: a document's title or URL, "
                                          "so a maintainer can check it.")]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Address(Model):
    name: Name | None = None
    street: Name
    postcode: Postcode
    city: Name


class Link(Model):
    title: Label
    url: HttpUrl


class Document(Model):
    """A document a client may want to read: a klachtenreglement, a flyer."""

    title: Name
    url: HttpUrl | None = Field(None, description="Left out while unknown; the page then says "
                                "whom to ask for it.")
    source: Source


class PhoneLine(Model):
    """A phone line besides a contact's main number, with its own hours."""

    label: Label = Field(description="What the line is for, e.g. 'Buiten kantoortijd'.")
    number: PhoneNumber
    hours: Text | None = None


class Contact(Model):
    """A person or organisation a client can turn to. Without a named person, `role` says who
    it is ("Onafhankelijke vertrouwenspersoon van ...")."""

    name: Name | None = None
    role: Label | None = None
    description: Text | None = None
    audience: Text | None = Field(None, description="Who may use it, e.g. only under 18.")
    email: EmailAddress | None = None
    phone: PhoneNumber | None = None
    phone_hours: Text | None = None
    chat_url: HttpUrl | None = None
    chat_hours: Text | None = None
    website: HttpUrl | None = None
    address: Address | None = None
    other_phones: list[PhoneLine] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)

    @model_validator(mode="after")
    def _named(self) -> Contact:
        if self.name is None and self.role is None:
            raise ValueError("give a name or, for a contact without a named person, a role")
        return self

    @property
    def heading(self) -> str:
        return self.name or self.role or ""


class SharedContact(Contact):
    name: Name
    kind: Literal["vertrouwenspersoon", "toezicht"]


class Step(Model):
    title: Label
    text: Text | None = None
    regelingen: list[Key] | None = Field(
        None, description="Only for these regimes (of the provider); all when left out."
    )


class IntakeStep(Step):
    """A step of what the complaints body does with a complaint."""

    term: Literal["contact"] | None = Field(
        None, description="A term of the complaints body this step states; the page shows it "
        "from the data (contact: contact_within_working_days), so the text holds no number.")


class Officer(Model):
    """The role of the complaints officer (klachtenfunctionaris)."""

    summary: list[Text]
    tasks: list[Text]
    guarantees: list[Text]
    responsibilities: list[Text]
    confidentiality: Text


class Commission(Model):
    """A body a complaint can end at. What it may decide depends on the regime: see
    `FinalBody`."""

    name: Name
    also_called: list[Name] = Field(
        default_factory=list, description="Other names providers use for it.")
    kind: Literal["geschilleninstantie", "klachtencommissie"]
    description: Text = Field(description="What it is; its powers per regime are in final_body.")
    source: Source


class Portal(Model):
    """The complaints body itself."""

    name: Name
    legal_name: Name | None = Field(None, description="The name in the trade register.")
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
    intake: list[IntakeStep] = Field(description="What the complaints body does with a "
                                      "complaint.")
    officer: Officer
    commissions: dict[Key, Commission]
    documents: dict[Key, Document] = {}


class Terms(Model):
    """A regime's terms, as numbers, so deadlines are computed rather than typed."""

    judgement_weeks: PositiveInt | None = None
    extension_weeks: PositiveInt | None = None
    further_extension_by_agreement: bool = False
    measures_report_months: PositiveInt | None = None
    source: Source | None = None

    @model_validator(mode="after")
    def _sourced(self) -> Terms:
        if self.source is None and self.model_dump(exclude={"source"}, exclude_defaults=True):
            raise ValueError("give the source of these terms (source: ...)")
        return self


class FinalBody(Model):
    """Where a regime's route ends, when a complaint may go there, and what the body may
    decide under this regime. A power the sources do not state is left out (null): the page
    then says nothing about it instead of guessing."""

    commission: Key
    when: Text = Field(description="When a client may take the complaint there.")
    binding: bool | None = Field(None, description="Whether its decision binds both sides.")
    compensation: bool | None = Field(None, description="Whether it can award damages.")
    source: Source


class Regeling(Model):
    """A legal regime (Wkkgz, Jeugdwet, Wmo) with its procedure."""

    name: Name
    law: Name
    title: Label
    applies_to: Text
    summary: Text
    officer: Literal["free", "included", "optional"] = Field(
        description="free: the law makes a free, independent officer part of the route "
        "(Wkkgz); included: the complaints body deploys one for every complaint, at a cost its "
        "sources do not state; optional: one only when the client asks.")
    final_body: FinalBody
    terms: Terms
    steps: list[Step] = Field(min_length=1)
    documents: list[Key] = Field(
        default_factory=list, description="Documents of the complaints body.")
    vertrouwenspersonen: list[Key] = Field(default_factory=list)
    shared_contacts: list[Key] = Field(default_factory=list)


class Provider(Model):
    """An affiliated care provider (zorgaanbieder)."""

    slug: Key
    name: Name
    legal_name: Name | None = None
    website: HttpUrl | None = None
    source_url: HttpUrl | None = Field(
        None, description="The provider's own complaint page this entry was made from.")
    regelingen: list[Key] = Field(description="The regimes its clients' complaints fall under.",
                                  json_schema_extra={"minItems": 1})
    term_start: Literal["portal", "provider"] | None = Field(
        None, description="Where the provider's term for its judgement starts: when the "
        "complaint is in writing at the complaints body (portal) or at the provider itself.")
    regulation: Name | None = Field(None, description="Name and version of its own scheme.")
    languages: list[Language] = Field(
        default_factory=lambda: [SOURCE_LANGUAGE],
        description="The languages of its page: always nl, and en when it asks for an "
        "English page (its texts then need English in the catalogue, see README).")
    intro: list[Text] = Field(default_factory=list)
    notes: list[Text] = Field(default_factory=list)
    first_steps: list[Step] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)
    vertrouwenspersoon: Contact | None = Field(None, description="Its own confidential adviser.")
    vertrouwenspersonen: list[Key] = Field(
        default_factory=list, description="Shared confidential advisers.")
    shared_contacts: list[Key] = Field(default_factory=list)
    documents: list[Document] = Field(
        default_factory=list, description="Its own documents, e.g. a flyer.")

    @field_validator("regelingen")
    @classmethod
    def _some_regime(cls, keys: list[str]) -> list[str]:
        if not keys:
            raise ValueError("name at least one regime its clients' complaints fall under, "
                             "e.g. [wkkgz] or [jeugdwet, wmo]")
        return keys

    @field_validator("languages")
    @classmethod
    def _dutch_first(cls, languages: list[Language]) -> list[Language]:
        if languages[:1] != [SOURCE_LANGUAGE] or len(set(languages)) != len(languages):
            raise ValueError("every page is in Dutch first: nl, then each other language "
                             "once, e.g. [nl, en]")
        return languages

    @property
    def in_other_languages(self) -> bool:
        """Its page is in another language besides Dutch too."""
        return len(self.languages) > 1


class Registry(Model):
    portal: Portal
    regelingen: dict[Key, Regeling]
    contacts: dict[Key, SharedContact]
    providers: list[Provider]
    # Each language's version, made on first use: the backend asks per request.
    _in_languages: dict[Language, Registry] = PrivateAttr(default_factory=dict)

    def in_language(self, language: Language) -> Registry:
        """The registry with the parts every page shares (the complaints body, the regimes and
        the shared contacts) in `language`; providers stay as they are, each translated only
        for a page in a language it asked for."""
        if language == SOURCE_LANGUAGE:
            return self
        if language not in self._in_languages:
            version = self.model_copy(update={
                "portal": translated(self.portal, language),
                "regelingen": translated(self.regelingen, language),
                "contacts": translated(self.contacts, language)})
            version._in_languages = {}  # a copy would share this registry's
            self._in_languages[language] = version
        return self._in_languages[language]

    def provider(self, slug: str) -> Provider | None:
        return next((p for p in self.providers if p.slug == slug), None)

    def regeling_choices(self, provider: Provider) -> list[tuple[str, str]]:
        """The regimes a complaint about `provider` can fall under: (key, label) for the form."""
        return [(key, f"{self.regelingen[key].title} ({self.regelingen[key].name})")
                for key in provider.regelingen]
