"""Where the Lambda finds the registry: the YAML file locally, a JSON export when deployed."""

from __future__ import annotations

from pathlib import Path

from klachtenportaal.registry import Registry


def load_registry_file(path: Path) -> Registry:
    if path.suffix == ".json":
        # Validated when it was exported; JSON parses far faster than YAML with positions.
        return Registry.model_validate_json(path.read_bytes())
    from klachtenportaal.loader import load_registry

    return load_registry(path)
