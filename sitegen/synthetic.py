"""Large generated registries for tests and benchmarks: the real registry plus N providers."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import yaml_rs

_WORDS = ["Zorg", "Thuis", "Jeugd", "Coaching", "Begeleiding", "Welzijn", "Kracht", "Hulp",
          "Ambulant", "Wonen", "Dagbesteding", "Samen", "Groen", "Noord", "Zuid", "Anker"]
_PLACES = ["Enkhuizen", "Groningen", "Assen", "Zwolle", "Hoorn", "Utrecht", "Emmen", "Almere"]
_REGIMES = [["wkkgz"], ["jeugdwet"], ["wmo"], ["jeugdwet", "wmo"], ["wkkgz", "wmo"]]


def synthetic_registry(base: Path, count: int, seed: int = 7) -> dict[str, Any]:
    """The registry at `base` with its providers replaced by `count` generated ones."""
    data = yaml_rs.loads(base.read_text(encoding="utf-8"), parse_datetime=False)
    assert isinstance(data, dict), f"{base} holds no registry"
    rng = random.Random(seed)
    providers = []
    for number in range(count):
        name = f"{rng.choice(_WORDS)}{rng.choice(_WORDS).lower()} {rng.choice(_PLACES)} {number}"
        slug = name.lower().replace(" ", "-")
        regelingen = list(rng.choice(_REGIMES))  # a copy: shared lists become YAML aliases
        providers.append({
            "slug": slug,
            "name": name,
            "website": f"https://www.{slug}.nl/",
            "regelingen": regelingen,
            "intro": [f"Bij {name} nemen we je klacht serieus. Praat er met ons over."],
            "first_steps": [{
                "title": "Praat met je begeleider",
                "text": "Bespreek je onvrede eerst met je begeleider of met de teamleider.",
            }],
            "contacts": [{
                "name": "Klachtencontactpersoon",
                "role": f"Contactpersoon klachten van {name}",
                "email": f"klachten@{slug}.nl",
                "phone": f"020-{rng.randint(1000000, 9999999)}",
            }],
            "vertrouwenspersonen": ["zorgbelang-groningen"] if number % 3 == 0 else [],
        })
    data["providers"] = providers
    return data


def write_synthetic_registry(base: Path, count: int, target: Path) -> Path:
    target.write_text(yaml_rs.dumps(synthetic_registry(base, count)), encoding="utf-8")
    return target
