"""Messages for the people filling in the form, one per field, in the reader's language.

Written in Dutch (the catalogue's source language, marked with `N_` where defined) and
translated when given (klachtenportaal/i18n.py); the backend sets the reader's language per
request."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from klachtenportaal.attachments import KINDS, attachment_limits
from klachtenportaal.i18n import N_, _

# The attachment limits a message may name.
_LIMITS = attachment_limits()

# field: (label, message when missing, message when invalid)
FIELDS: dict[str, tuple[str, str, str]] = {
    "kind": (
        N_("Soort melding"),
        N_("Kies of je een klacht wilt indienen of alleen advies wilt."),
        N_("Kies 'klacht' of 'advies'.")),
    "provider": (
        N_("Zorgaanbieder"),
        N_("Kies de zorgaanbieder waarover je een klacht hebt."),
        N_("Deze zorgaanbieder is niet bij ons aangesloten. Kies een zorgaanbieder uit de "
           "lijst.")),
    "regeling": (
        N_("Klachtenregeling"),
        N_("Kies een klachtenregeling of kies 'Weet ik niet'."),
        N_("Kies een klachtenregeling die bij deze zorgaanbieder hoort, of kies 'Weet ik "
           "niet'.")),
    "name": (
        N_("Je naam"),
        N_("Vul je naam in."),
        N_("Vul je naam in zonder regeleinden of speciale tekens.")),
    "email": (
        N_("Je e-mailadres"),
        N_("Vul je e-mailadres in."),
        N_("Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.")),
    "phone": (
        N_("Je telefoonnummer"),
        N_("Vul je telefoonnummer in als we je mogen bellen."),
        N_("Vul een geldig telefoonnummer in, zoals 06 12345678.")),
    "role": (
        N_("Voor wie"),
        N_("Kies of de klacht over jezelf gaat of over iemand anders."),
        N_("Kies of de klacht over jezelf gaat of over iemand anders.")),
    "relation": (
        N_("Je relatie tot de cliënt"),
        N_("Vul in wat je relatie is tot de cliënt, bijvoorbeeld ouder of partner."),
        N_("Vul je relatie tot de cliënt in zonder regeleinden of speciale tekens.")),
    "client_name": (
        N_("Naam van de cliënt"),
        N_("Vul de naam in van de cliënt voor wie je klaagt."),
        N_("Vul de naam van de cliënt in zonder regeleinden of speciale tekens.")),
    "description": (
        N_("Wat is er gebeurd"),
        N_("Vertel wat er is gebeurd."),
        N_("Vertel wat er is gebeurd, zonder speciale tekens.")),
    "occurred_on": (
        N_("Wanneer"),
        N_("Vul de datum in waarop het gebeurde."),
        N_("Vul een datum in die niet in de toekomst ligt, zoals 14-03-2026.")),
    "desired_outcome": (
        N_("Gewenste oplossing"),
        N_("Vertel welke oplossing je wilt."),
        N_("Vertel welke oplossing je wilt, zonder speciale tekens.")),
    "discussed_with_provider": (
        N_("Al besproken"),
        N_("Kies of je de klacht al met de zorgaanbieder hebt besproken."),
        N_("Kies 'ja' of 'nee'.")),
    "wants_officer_support": (
        N_("Hulp van een klachtenfunctionaris"),
        N_("Kies of je hulp wilt van een klachtenfunctionaris."),
        N_("Kies 'ja' of 'nee'.")),
    "contact_preference": (
        N_("Contact"),
        N_("Kies hoe we contact met je opnemen."),
        N_("Kies telefoon of e-mail.")),
    "consent": (
        N_("Toestemming"),
        N_("Geef toestemming om je gegevens te gebruiken. Zonder toestemming kunnen we je "
           "klacht niet behandelen."),
        N_("Geef toestemming om je gegevens te gebruiken.")),
    "send_copy": (
        N_("Kopie"),
        N_("Kies of je een kopie van je klacht wilt."),
        N_("Kies 'ja' of 'nee'.")),
    "attachments": (
        N_("Bestanden"),
        N_("Je hebt een bestand twee keer toegevoegd. Verwijder het een keer."),
        N_("Je kunt hoogstens %(files)s bestanden meesturen. Verwijder er een paar.")),
    "reference": (
        N_("Kenmerk"),
        N_("Vul het kenmerk in. Het staat in je ontvangstbevestiging."),
        N_("Vul het kenmerk in zoals het in je ontvangstbevestiging staat, zoals "
           "KPZ-7K4M-Q9XD.")),
    "submission_id": (
        N_("Formulier"),
        N_("Het formulier is niet goed verstuurd. Laad de pagina opnieuw."),
        N_("Het formulier is niet goed verstuurd. Laad de pagina opnieuw.")),
    "language": (
        N_("Taal"),
        N_("Het formulier is niet goed verstuurd. Laad de pagina opnieuw."),
        N_("Het formulier is niet goed verstuurd. Laad de pagina opnieuw.")),
}

EMAIL_NOT_ASCII = N_("We kunnen geen e-mail sturen naar een adres met letters als é of ü "
                      "vóór de @. Vul een e-mailadres in met alleen gewone letters, cijfers en "
                      "tekens vóór de @.")
UNKNOWN_FIELD = N_("Het formulier bevat een veld dat we niet kennen. Laad de pagina opnieuw.")
GENERAL = N_("Het formulier is niet goed verstuurd. Laad de pagina opnieuw en probeer het nog "
             "eens.")


def label(field: str) -> str:
    return _(FIELDS[field][0]) if field in FIELDS else field


def missing(field: str) -> str:
    return _(FIELDS[field][1]) % _LIMITS if field in FIELDS else _(GENERAL)


def invalid(field: str) -> str:
    return _(FIELDS[field][2]) % _LIMITS if field in FIELDS else _(GENERAL)


def message_for(field: str, error_type: str, ctx: Mapping[str, Any] | None = None) -> str:
    """The message for one pydantic error on one field."""
    if field not in FIELDS:
        unknown = error_type == "extra_forbidden"
        return _(UNKNOWN_FIELD) if unknown else _(GENERAL)
    if error_type == "missing":
        return missing(field)
    if error_type == "string_too_long" and ctx:
        return (_("%(field)s: gebruik hoogstens %(count)s tekens.")
                % {"field": label(field), "count": ctx["max_length"]})
    if error_type == "string_too_short":
        return missing(field)
    if error_type == "email_not_ascii":
        return _(EMAIL_NOT_ASCII)
    return invalid(field)


def field_messages(errors: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """One message per field, in form order, from pydantic/powertools validation errors."""
    found: dict[str, str] = {}
    for error in errors:
        loc = [part for part in error.get("loc", ()) if part != "body"]
        # A field the form does not have is not named back: the answer may be shown as HTML.
        field = str(loc[0]) if loc and str(loc[0]) in FIELDS else "form"
        if field not in found:
            found[field] = message_for(field, str(error.get("type", "")), error.get("ctx"))
    return in_form_order(found)


def in_form_order(errors: Mapping[str, str]) -> dict[str, str]:
    """Field messages in the order the fields stand on the form (unknown fields last)."""
    order = list(FIELDS)
    return dict(sorted(errors.items(), key=lambda item: order.index(item[0])
                       if item[0] in order else len(order)))


# Attachments: each message names the file, as the complainant's computer calls it.
def attachment_kind(name: str) -> str:
    kinds = [_(kind.label) for kind in KINDS.values()]
    return (_("'%(name)s' kunnen we niet aannemen. Stuur een %(kinds)s of %(last)s.")
            % {"name": name, "kinds": ", ".join(kinds[:-1]), "last": kinds[-1]})


def attachment_too_large(name: str) -> str:
    return (_("'%(name)s' is groter dan %(file_mb)s MB. Maak het bestand kleiner of stuur het "
              "per post.") % {"name": name, **_LIMITS})


def attachment_empty(name: str) -> str:
    return _("'%(name)s' is leeg. Kies het goede bestand.") % {"name": name}


def attachment_not_its_kind(name: str, kind: str) -> str:
    return (_("'%(name)s' is geen echte %(kind)s: de inhoud past niet bij de naam. Kies het "
              "goede bestand of sla het opnieuw op.") % {"name": name, "kind": _(kind)})


def attachment_infected(name: str) -> str:
    return (_("In '%(name)s' is een virus gevonden. We nemen het niet aan. Verwijder het "
              "bestand en stuur een ander.") % {"name": name})


def attachment_missing(name: str) -> str:
    return (_("'%(name)s' is niet goed aangekomen. Verwijder het en voeg het opnieuw toe.")
            % {"name": name})


def this_file() -> str:
    """How a message names a file whose name is not known."""
    return _("Dit bestand")


def attachments_too_large_together() -> str:
    return (_("Je bestanden zijn samen groter dan %(total_mb)s MB. Verwijder er een of stuur "
              "ze per post.") % _LIMITS)


def attachments_full() -> str:
    return (_("Je kunt hoogstens %(files)s bestanden meesturen, samen hoogstens %(total_mb)s "
              "MB. Dit bestand past er niet meer bij. Stuur het per post of per e-mail.")
            % _LIMITS)


def attachments_closed() -> str:
    return _("Bij deze klacht kun je geen bestanden meer toevoegen. Wil je ons nog iets "
             "sturen? Mail het ons, en noem je kenmerk.")


# The answer to a request for the status link, whether or not anything is sent.
STATUS_LINK_ASKED = N_("Als het kenmerk en het e-mailadres bij elkaar horen, sturen we je "
                       "binnen een paar minuten een e-mail met de link naar de pagina van je "
                       "klacht. Kijk ook bij je ongewenste e-mail. Krijg je niets? Bel {phone} "
                       "({phone_hours}) of mail naar {email}.")
