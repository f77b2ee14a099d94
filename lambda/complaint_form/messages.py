"""Dutch messages for the people filling in the form, one per field."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from klachtenportaal.attachments import KINDS, MAX_FILE_BYTES, MAX_FILES, MAX_TOTAL_BYTES

# field: (label, message when missing, message when invalid)
FIELDS: dict[str, tuple[str, str, str]] = {
    "kind": ("Soort melding", "Kies of je een klacht wilt indienen of alleen advies wilt.",
             "Kies 'klacht' of 'advies'."),
    "provider": ("Zorgaanbieder", "Kies de zorgaanbieder waarover je een klacht hebt.",
                 "Deze zorgaanbieder is niet bij ons aangesloten. Kies een zorgaanbieder uit "
                 "de lijst."),
    "regeling": ("Klachtenregeling", "Kies een klachtenregeling of kies 'Weet ik niet'.",
                 "Kies een klachtenregeling die bij deze zorgaanbieder hoort, of kies "
                 "'Weet ik niet'."),
    "name": ("Je naam", "Vul je naam in.",
             "Vul je naam in zonder regeleinden of speciale tekens."),
    "email": ("Je e-mailadres", "Vul je e-mailadres in.",
              "Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl."),
    "phone": ("Je telefoonnummer", "Vul je telefoonnummer in als we je mogen bellen.",
              "Vul een geldig telefoonnummer in, zoals 06 12345678."),
    "role": ("Voor wie", "Kies of de klacht over jezelf gaat of over iemand anders.",
             "Kies of de klacht over jezelf gaat of over iemand anders."),
    "relation": ("Je relatie tot de cliënt",
                 "Vul in wat je relatie is tot de cliënt, bijvoorbeeld ouder of partner.",
                 "Vul je relatie tot de cliënt in zonder regeleinden of speciale tekens."),
    "client_name": ("Naam van de cliënt", "Vul de naam in van de cliënt voor wie je klaagt.",
                    "Vul de naam van de cliënt in zonder regeleinden of speciale tekens."),
    "description": ("Wat is er gebeurd", "Vertel wat er is gebeurd.",
                     "Vertel wat er is gebeurd, zonder speciale tekens."),
    "occurred_on": ("Wanneer", "Vul de datum in waarop het gebeurde.",
                    "Vul een datum in die niet in de toekomst ligt, zoals 14-03-2026."),
    "desired_outcome": ("Gewenste oplossing", "Vertel welke oplossing je wilt.",
                        "Vertel welke oplossing je wilt, zonder speciale tekens."),
    "discussed_with_provider": ("Al besproken",
                                "Kies of je de klacht al met de zorgaanbieder hebt besproken.",
                                "Kies 'ja' of 'nee'."),
    "wants_officer_support": ("Hulp van een klachtenfunctionaris",
                              "Kies of je hulp wilt van een klachtenfunctionaris.",
                              "Kies 'ja' of 'nee'."),
    "contact_preference": ("Contact", "Kies hoe we contact met je opnemen.",
                           "Kies telefoon of e-mail."),
    "consent": ("Toestemming",
                "Geef toestemming om je gegevens te gebruiken. Zonder toestemming kunnen we je "
                "klacht niet behandelen.",
                "Geef toestemming om je gegevens te gebruiken."),
    "send_copy": ("Kopie", "Kies of je een kopie van je klacht wilt.", "Kies 'ja' of 'nee'."),
    "attachments": ("Bestanden", "Je hebt een bestand twee keer toegevoegd. Verwijder het "
                                 "een keer.",
                    f"Je kunt hoogstens {MAX_FILES} bestanden meesturen. Verwijder er een "
                    f"paar."),
    "reference": ("Kenmerk", "Vul het kenmerk in. Het staat in je ontvangstbevestiging.",
                  "Vul het kenmerk in zoals het in je ontvangstbevestiging staat, zoals "
                  "KPZ-7K4M-Q9XD."),
    "submission_id": ("Formulier", "Het formulier is niet goed verstuurd. Laad de pagina opnieuw.",
                      "Het formulier is niet goed verstuurd. Laad de pagina opnieuw."),
}

EMAIL_NOT_ASCII = ("We kunnen geen e-mail sturen naar een adres met letters als é of ü vóór "
                   "de @. Vul een e-mailadres in met alleen gewone letters, cijfers en tekens "
                   "vóór de @.")
UNKNOWN_FIELD = "Het formulier bevat een veld dat we niet kennen. Laad de pagina opnieuw."
GENERAL = "Het formulier is niet goed verstuurd. Laad de pagina opnieuw en probeer het nog eens."


def label(field: str) -> str:
    return FIELDS[field][0] if field in FIELDS else field


def missing(field: str) -> str:
    return FIELDS[field][1] if field in FIELDS else GENERAL


def invalid(field: str) -> str:
    return FIELDS[field][2] if field in FIELDS else GENERAL


def message_for(field: str, error_type: str, ctx: Mapping[str, Any] | None = None) -> str:
    """The Dutch message for one pydantic error on one field."""
    if field not in FIELDS:
        return UNKNOWN_FIELD if error_type == "extra_forbidden" else GENERAL
    if error_type == "missing":
        return missing(field)
    if error_type == "string_too_long" and ctx:
        return f"{label(field)}: gebruik hoogstens {ctx['max_length']} tekens."
    if error_type == "string_too_short":
        return missing(field)
    if error_type == "email_not_ascii":
        return EMAIL_NOT_ASCII
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
_KINDS = [kind.label for kind in KINDS.values()]


def attachment_kind(name: str) -> str:
    return (f"'{name}' kunnen we niet aannemen. Stuur een {', '.join(_KINDS[:-1])} of "
            f"{_KINDS[-1]}.")


def attachment_too_large(name: str) -> str:
    return (f"'{name}' is groter dan {MAX_FILE_BYTES // 2**20} MB. Maak het bestand kleiner "
            f"of stuur het per post.")


def attachment_empty(name: str) -> str:
    return f"'{name}' is leeg. Kies het goede bestand."


def attachment_not_its_kind(name: str, kind: str) -> str:
    return (f"'{name}' is geen echte {kind}: de inhoud past niet bij de naam. Kies het goede "
            f"bestand of sla het opnieuw op.")


def attachment_infected(name: str) -> str:
    return (f"In '{name}' is een virus gevonden. We nemen het niet aan. Verwijder het bestand "
            f"en stuur een ander.")


def attachment_missing(name: str) -> str:
    return f"'{name}' is niet goed aangekomen. Verwijder het en voeg het opnieuw toe."


ATTACHMENTS_TOO_LARGE_TOGETHER = (f"Je bestanden zijn samen groter dan "
                                  f"{MAX_TOTAL_BYTES // 2**20} MB. Verwijder er een of stuur "
                                  f"ze per post.")
ATTACHMENTS_FULL = (f"Je kunt hoogstens {MAX_FILES} bestanden meesturen, samen hoogstens "
                    f"{MAX_TOTAL_BYTES // 2**20} MB. Dit bestand past er niet meer bij. Stuur "
                    f"het per post of per e-mail.")
ATTACHMENTS_CLOSED = ("Bij deze klacht kun je geen bestanden meer toevoegen. Wil je ons nog "
                      "iets sturen? Mail het ons, en noem je kenmerk.")

# The answer to a request for the status link, whether or not anything is sent.
STATUS_LINK_ASKED = ("Als het kenmerk en het e-mailadres bij elkaar horen, sturen we je binnen "
                     "een paar minuten een e-mail met de link naar de pagina van je klacht. "
                     "Kijk ook bij je ongewenste e-mail. Krijg je niets? Bel {phone} "
                     "({phone_hours}) of mail naar {email}.")
