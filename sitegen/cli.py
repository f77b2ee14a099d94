"""Command line for maintainers: validate the registry, export its schema, build the site."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

DEFAULT_REGISTRY = Path("providers.yaml")
SCHEMA_FILE = Path("providers.schema.json")


# The registry modules are imported where they are used: `build` only starts MkDocs (whose
# plugin loads the registry), and importing the models first would delay every build.


def registry_schema() -> str:
    from klachtenportaal.registry import Registry

    schema = Registry.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Klachtenportaal registry (providers.yaml)"
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def validate(registry: Path) -> int:
    from sitegen.loader import RegistryError, load_registry

    try:
        loaded = load_registry(registry)
    except RegistryError as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    print(f"{registry}: valid ({len(loaded.providers)} providers)")
    return 0


def build(registry: Path, site_dir: Path, config: Path, *,
          site_url: str | None = None) -> int:
    """Build into a temporary folder and swap it in, so a failed build leaves no half site.

    The MkDocs plugin validates the registry and stops the build with the full error report.
    `site_url` replaces mkdocs.yml's default.
    """
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=site_dir.parent))
    # The names mkdocs.yml reads with !ENV; and mkdocs-material's notice about MkDocs 2 off.
    chosen = {"KLACHTENPORTAAL_REGISTRY": str(registry.resolve()), "SITE_URL": site_url,
              "NO_MKDOCS_2_WARNING": "1"}
    env = {**os.environ, **{name: value for name, value in chosen.items() if value}}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
               "--config-file", str(config), "--site-dir", str(staging)]
    result = subprocess.run(command, env=env, check=False)
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        print("The site was not built; the previous site/ is unchanged.", file=sys.stderr)
        return result.returncode
    old = site_dir.with_name(site_dir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if site_dir.exists():
        site_dir.rename(old)
    staging.rename(site_dir)
    shutil.rmtree(old, ignore_errors=True)
    print(f"Built {site_dir}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="klachtenportaal", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser("validate", help="check providers.yaml and report every error")
    check.add_argument("registry", nargs="?", type=Path, default=DEFAULT_REGISTRY)

    schema = commands.add_parser("schema", help="write the registry's JSON Schema")
    schema.add_argument("--output", type=Path, default=SCHEMA_FILE)

    site = commands.add_parser("build", help="validate, then build the site with MkDocs")
    site.add_argument("--registry", type=Path, default=DEFAULT_REGISTRY)
    site.add_argument("--site-dir", type=Path, default=Path("site"))
    site.add_argument("--config-file", type=Path, default=Path("mkdocs.yml"))

    args = parser.parse_args(argv)
    if args.command == "validate":
        return validate(args.registry)
    if args.command == "schema":
        args.output.write_text(registry_schema(), encoding="utf-8")
        print(f"Wrote {args.output}")
        return 0
    return build(args.registry, args.site_dir, args.config_file)


if __name__ == "__main__":
    sys.exit(main())
