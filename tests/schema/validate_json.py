#!/usr/bin/python3
"""Validate one JSON document against one of tether's JSON Schemas (draft 2020-12).

Usage: /usr/bin/python3 tests/schema/validate_json.py SCHEMA.json DOCUMENT.json

Exit 0 when the document is valid; 1 with every error (path: message) on stderr otherwise.
The end-to-end tests use it to hold GET /status to manifests-schema/status.schema.json.
"""

import json
import sys

from jsonschema import Draft202012Validator, FormatChecker


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    with open(argv[2], encoding="utf-8") as f:
        document = json.load(f)
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    for error in errors:
        path = "/".join(str(p) for p in error.absolute_path) or "<root>"
        print(f"{argv[2]}: {path}: {error.message}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
