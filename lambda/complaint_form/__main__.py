"""`python -m complaint_form openapi`: print the API's OpenAPI document."""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    if argv != ["openapi"]:
        print("usage: python -m complaint_form openapi", file=sys.stderr)
        return 2
    from complaint_form.app import openapi_document

    print(openapi_document())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
