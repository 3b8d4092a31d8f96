#!/usr/bin/python3
"""Check tether's manifest JSON Schemas against the test corpus and the examples.

Usage: /usr/bin/python3 tests/schema/check_schemas.py [REPO_ROOT]

Checks:
  * each manifests-schema/*.schema.json is a valid draft 2020-12 schema and all its $refs resolve;
  * every tests/manifests/good/*.yaml passes its schema (the file-name prefix service-/host-/agent-
    picks the schema);
  * every tests/manifests/bad/*.yaml fails (malformed YAML counts as failing) and starts with
    "# expect: <path>"; where the error can be located, a differing path is only a warning;
  * corpus files read the same under YAML 1.1 (PyYAML) and YAML 1.2 core rules, so a YAML 1.2
    parser (the C++ agent) sees the same values;
  * every YAML file under examples/ whose kind is Service, Host or Agent passes.

YAML is read with the YAML 1.2 core schema (as the agent does): plain `yes`/`on` are strings,
`0777` is decimal, dates stay strings; duplicate keys and non-string keys are errors. Patterns
get ECMA-262 semantics ('$' only at the very end). Integers must be written as integers (50.0 is
not an integer).
"""

import re
import sys
from pathlib import Path

import jsonschema
import jsonschema.validators
import yaml
from jsonschema import Draft202012Validator, ValidationError

KINDS = {"service": "Service", "host": "Host", "agent": "Agent"}
SCHEMA_BASE = "https://tether.dev/schemas/v1/"
ROOT_PATH = "<root>"


# --- YAML 1.2 core schema loader -------------------------------------------------------------

class CoreLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core-schema resolution, no merge keys, no duplicate keys."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen = []
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                for other in seen:
                    if type(other) is type(key) and other == key:
                        raise yaml.constructor.ConstructorError(
                            "while constructing a mapping", node.start_mark,
                            f"found duplicate key {key!r}", key_node.start_mark)
                seen.append(key)
        return super().construct_mapping(node, deep=deep)


CoreLoader.yaml_implicit_resolvers = {}
for _tag, _regexp, _first in [
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
     r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", list("-+.0123456789")),
]:
    CoreLoader.add_implicit_resolver(_tag, re.compile(_regexp), _first)


def _construct_core_int(loader, node):
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


CoreLoader.add_constructor("tag:yaml.org,2002:int", _construct_core_int)


def load_core(text):
    """One YAML document, typed per YAML 1.2 core. Raises yaml.YAMLError on any problem."""
    return yaml.load(text, Loader=CoreLoader)


def load_yaml11(text):
    return yaml.load(text, Loader=yaml.SafeLoader)


def same_value(a, b):
    """Deep equality that also compares types (True != 1, 1 != 1.0, '1' != 1)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a.keys()) == list(b.keys()) and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    return a == b


def key_text(key):
    """A non-string key as YAML writes it (True -> true, None -> null)."""
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    return str(key)


def non_string_keys(value, path=()):
    """Paths of mapping keys that are not strings (e.g. a plain `8080:` key)."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                found.append(list(path) + [key_text(key)])
            found += non_string_keys(item, tuple(path) + (key_text(key),))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += non_string_keys(item, tuple(path) + (i,))
    return found


def stringify_keys(value):
    if isinstance(value, dict):
        return {key_text(k): stringify_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [stringify_keys(v) for v in value]
    return value


# --- validator: ECMA-262 patterns, strict integers ---------------------------------------------

_regex_cache = {}


def ecma_regex(pattern):
    """Compile a JSON Schema (ECMA-262) pattern for Python: '$' matches only at the very end
    (Python's also matches before a final newline) and '.' excludes all line terminators."""
    if pattern not in _regex_cache:
        out, i, in_class = [], 0, False
        while i < len(pattern):
            c = pattern[i]
            if c == "\\":
                out.append(pattern[i:i + 2])
                i += 2
                continue
            if in_class:
                in_class = c != "]"
                out.append(c)
            elif c == "[":
                in_class = True
                out.append(c)
            elif c == "$":
                out.append(r"\Z")
            elif c == ".":
                out.append(r"[^\n\r\u2028\u2029]")
            else:
                out.append(c)
            i += 1
        _regex_cache[pattern] = re.compile("".join(out))
    return _regex_cache[pattern]


def _pattern(validator, pattern, instance, schema):
    if validator.is_type(instance, "string") and not ecma_regex(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _is_integer(checker, instance):
    return isinstance(instance, int) and not isinstance(instance, bool)


Validator = jsonschema.validators.extend(
    Draft202012Validator,
    validators={"pattern": _pattern},
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer),
)


# --- error paths --------------------------------------------------------------------------------

def format_path(parts):
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text or ROOT_PATH


def locate(error):
    """Dotted paths of the field(s) an error is about: the missing field for `required`, the
    unknown key for `additionalProperties: false`, the bad key for `propertyNames`."""
    path = list(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [p for p in error.validator_value if p not in error.instance]
        return [format_path(path + [m]) for m in missing] or [format_path(path)]
    if error.validator == "additionalProperties" and error.validator_value is False \
            and isinstance(error.instance, dict):
        known = error.schema.get("properties", {})
        extra = [k for k in error.instance if k not in known]
        return [format_path(path + [k]) for k in extra] or [format_path(path)]
    if "propertyNames" in error.schema_path and isinstance(error.instance, str):
        return [format_path(path + [error.instance])]
    return [format_path(path)]


# --- checks -------------------------------------------------------------------------------------

class Checker:
    def __init__(self, root):
        self.root = root
        self.passed = 0
        self.failed = 0
        self.failures = []
        self.warnings = []
        self.schemas = {}
        self.store = {}

    def ok(self, label, detail=""):
        self.passed += 1
        print(f"PASS  {label}" + (f"  ({detail})" if detail else ""))

    def fail(self, label, detail):
        self.failed += 1
        self.failures.append(f"{label}: {detail}")
        print(f"FAIL  {label}: {detail}")

    def warn(self, label, detail):
        self.warnings.append(f"{label}: {detail}")
        print(f"WARN  {label}: {detail}")

    def rel(self, path):
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    # schemas

    def load_schemas(self):
        import json
        for prefix, kind in KINDS.items():
            path = self.root / "manifests-schema" / f"{prefix}.schema.json"
            label = self.rel(path)
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as exc:
                self.fail(label, f"cannot read: {exc}")
                continue
            try:
                schema = json.loads(text)
                Draft202012Validator.check_schema(schema)
            except (ValueError, jsonschema.SchemaError) as exc:
                self.fail(label, f"not a valid draft 2020-12 schema: {exc}")
                continue
            expected_id = f"{SCHEMA_BASE}{prefix}.schema.json"
            if schema.get("$id") != expected_id:
                self.fail(label, f"$id is {schema.get('$id')!r}, expected {expected_id!r}")
                continue
            self.schemas[kind] = schema
            self.store[expected_id] = schema
            self.ok(label, "valid draft 2020-12 schema")
        for kind, schema in self.schemas.items():
            self.check_refs(kind, schema)
        # Schemas of documents tether writes (GET /status) rather than reads.
        for path in sorted((self.root / "manifests-schema").glob("*.schema.json")):
            if path.name.split(".")[0] in KINDS:
                continue
            try:
                Draft202012Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))
                self.ok(self.rel(path), "valid draft 2020-12 schema")
            except (ValueError, jsonschema.SchemaError) as exc:
                self.fail(self.rel(path), f"not a valid draft 2020-12 schema: {exc}")

    def resolver(self, schema):
        def refuse(uri):
            raise jsonschema.RefResolutionError(
                f"{uri} is not one of the local schemas (schemas are never fetched)")
        return jsonschema.RefResolver(base_uri=schema["$id"], referrer=schema, store=self.store,
                                      handlers={"http": refuse, "https": refuse, "file": refuse})

    def check_refs(self, kind, schema):
        resolver = self.resolver(schema)
        refs = []

        def walk(node):
            if isinstance(node, dict):
                if isinstance(node.get("$ref"), str):
                    refs.append(node["$ref"])
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(schema)
        bad = []
        for ref in refs:
            try:
                resolver.resolve(ref)
            except jsonschema.RefResolutionError as exc:
                bad.append(f"{ref} ({exc})")
        label = f"{kind} schema $refs"
        if bad:
            self.fail(label, "unresolvable: " + ", ".join(bad))
        else:
            self.ok(label, f"{len(refs)} resolve")

    def validate(self, kind, document):
        """Located error paths and messages for `document` against the `kind` schema."""
        problems = [(format_path(p), "mapping key is not a string (quote it)")
                    for p in non_string_keys(document)]
        schema = self.schemas[kind]
        validator = Validator(schema, resolver=self.resolver(schema))
        for error in validator.iter_errors(stringify_keys(document)):
            for where in locate(error):
                problems.append((where, error.message))
        return problems

    # corpus

    def corpus_kind(self, path):
        prefix = path.name.split("-", 1)[0]
        return KINDS.get(prefix) if "-" in path.name else None

    def check_corpus(self):
        base = self.root / "tests" / "manifests"
        for sub in ("good", "bad"):
            files = sorted((base / sub).glob("*.yaml")) if (base / sub).is_dir() else []
            if not files:
                self.fail(self.rel(base / sub), "no corpus files found")
            for path in files:
                (self.check_good if sub == "good" else self.check_bad)(path)
            others = sorted(p for p in (base / sub).glob("*") if p.suffix != ".yaml") \
                if (base / sub).is_dir() else []
            for path in others:
                self.fail(self.rel(path), "corpus files must be named *.yaml")

    def read_both(self, path):
        """(text, core document or None, error message or None, ambiguity message or None)."""
        try:
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return None, None, f"cannot read as UTF-8: {exc}", None
        try:
            doc = load_core(text)
        except yaml.YAMLError as exc:
            core_err = " ".join(str(exc).split())
            try:
                load_yaml11(text)
            except yaml.YAMLError:
                return text, None, f"YAML error: {core_err}", None
            return text, None, f"YAML error: {core_err}", \
                "YAML 1.1 (PyYAML) accepts this file but the YAML 1.2 core reading rejects it"
        except (ValueError, TypeError) as exc:
            return text, None, f"YAML error: {exc}", None
        try:
            old = load_yaml11(text)
        except (yaml.YAMLError, ValueError, TypeError):
            return text, doc, None, "YAML 1.1 (PyYAML) rejects this file, YAML 1.2 core accepts it"
        if not same_value(doc, old):
            return text, doc, None, ("reads differently under YAML 1.1 and YAML 1.2 core "
                                     "(yes/no/on/off, octal, dates, sexagesimal, 1e3 ...): quote it")
        return text, doc, None, None

    def check_good(self, path):
        label = self.rel(path)
        kind = self.corpus_kind(path)
        if kind is None:
            self.fail(label, "name must start with service-, host- or agent-")
            return
        _, doc, err, ambiguity = self.read_both(path)
        if ambiguity:
            self.fail(label, ambiguity)
            return
        if err:
            self.fail(label, f"expected to pass, but {err}")
            return
        problems = self.validate(kind, doc)
        if problems:
            self.fail(label, "expected to pass, but: " +
                      "; ".join(f"{where}: {msg}" for where, msg in problems))
        else:
            self.ok(label)

    def check_bad(self, path):
        label = self.rel(path)
        kind = self.corpus_kind(path)
        if kind is None:
            self.fail(label, "name must start with service-, host- or agent-")
            return
        text, doc, err, ambiguity = self.read_both(path)
        first = (text or "").split("\n", 1)[0]
        match = re.match(r"^#\s*expect:\s*(\S+)\s*$", first)
        if not match:
            self.fail(label, "first line must be '# expect: <dotted field path>'")
            return
        expected = match.group(1)
        if ambiguity and not (err and expected == ROOT_PATH):
            self.fail(label, ambiguity)
            return
        if err:
            located, message = [ROOT_PATH], err
        else:
            problems = self.validate(kind, doc)
            if not problems:
                self.fail(label, f"expected to fail at {expected}, but it passes")
                return
            located = sorted({where for where, _ in problems})
            message = problems[0][1]
        if expected in located:
            self.ok(label, f"rejected at {expected}")
        else:
            self.ok(label, f"rejected at {', '.join(located)}")
            self.warn(label, f"# expect: {expected}, but the schema reports "
                             f"{', '.join(located)}: {message}")

    # examples

    def check_examples(self):
        base = self.root / "examples"
        files = sorted(p for p in base.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()) \
            if base.is_dir() else []
        checked = 0
        for path in files:
            label = self.rel(path)
            kind = self.example_kind(path)
            if kind is None:
                continue
            checked += 1
            _, doc, err, ambiguity = self.read_both(path)
            if err:
                self.fail(label, f"{kind} manifest: {err}")
                continue
            if ambiguity:
                self.warn(label, ambiguity)
            problems = self.validate(kind, doc)
            if problems:
                self.fail(label, f"{kind} manifest: " +
                          "; ".join(f"{where}: {msg}" for where, msg in problems))
            else:
                self.ok(label, kind)
        print(f"info  examples/: {checked} tether manifest(s) among {len(files)} YAML file(s)")

    def example_kind(self, path):
        """Service/Host/Agent if the file looks like a tether manifest, else None. Files with a
        non-tether apiVersion (e.g. a Kubernetes `kind: Service`) are skipped."""
        try:
            docs = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                return None
            found = re.search(r"^kind:\s*[\"']?(Service|Host|Agent)[\"']?\s*$", text, re.M)
            api = re.search(r"^apiVersion:\s*[\"']?([^\"'\s]+)", text, re.M)
            if found and (api is None or api.group(1).startswith("tether.dev/")):
                return found.group(1)
            return None
        for doc in docs:
            if isinstance(doc, dict) and doc.get("kind") in KINDS.values():
                api = doc.get("apiVersion")
                if isinstance(api, str) and not api.startswith("tether.dev/"):
                    continue
                return doc["kind"]
        return None

    def run(self):
        self.load_schemas()
        if len(self.schemas) != len(KINDS):
            self.fail("manifests-schema", "schemas missing or invalid; corpus not checked")
        else:
            self.check_corpus()
            self.check_examples()
        print()
        if self.warnings:
            print(f"{len(self.warnings)} warning(s) (expected path differs from the schema's):")
            for line in self.warnings:
                print(f"  {line}")
        if self.failures:
            print(f"{len(self.failures)} failure(s):")
            for line in self.failures:
                print(f"  {line}")
        print(f"{self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0


def main(argv):
    if len(argv) > 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    root = Path(argv[1]) if len(argv) == 2 else Path(__file__).resolve().parents[2]
    return Checker(root.resolve()).run()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
