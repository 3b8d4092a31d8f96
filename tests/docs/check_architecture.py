#!/usr/bin/python3
"""Holds ARCHITECTURE.md's module table to the tree (CTest docs.architecture).

- The table lists exactly the folders of agent/src/ (a new module is documented or CI fails).
- A module includes only the modules its "may include" column names (plus itself and `core`).
- A module includes a third-party header only if its "libraries" column names that library:
  one adapter per external library.
- Every unit test file opens a namespace named after itself (`namespace tether::planner_test {`
  in planner_test.cpp): the unit tests build in unity batches, where two files' file-local
  helpers in one namespace would clash.

Usage: check_architecture.py SOURCE_DIR. Prints every violation as file:line and exits 1.
"""
import pathlib
import re
import sys

# Library name as the table writes it -> how its headers are included.
LIBRARY_INCLUDES = {
    "OpenSSL": re.compile(r"^openssl/"),
    "spdlog": re.compile(r"^spdlog/"),
    "nlohmann-json": re.compile(r"^nlohmann/"),
    "yaml-cpp": re.compile(r"^yaml-cpp/"),
    "libgit2": re.compile(r"^git2(\.h|/)"),
    "libcurl": re.compile(r"^curl/"),
    "libarchive": re.compile(r"^archive(_entry)?\.h$"),
    "Boost": re.compile(r"^boost/"),
    "cpp-httplib": re.compile(r"^httplib\.h$"),
    "CLI11": re.compile(r"^CLI/"),
}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def read_table(architecture: pathlib.Path):
    """{module: (allowed modules or None for every module, allowed libraries)}."""
    rows = {}
    in_modules = False
    for line in architecture.read_text().splitlines():
        if line.startswith("## "):
            in_modules = line.strip() == "## Modules"
            continue
        if not in_modules or not line.startswith("| `"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 4:
            sys.exit(f"ARCHITECTURE.md: a module row needs 4 columns: {line}")
        module = cells[0].strip("`")
        uses = cells[-2]
        modules = None if uses == "every module" else set(re.findall(r"`([a-z_]+)`", uses))
        libraries = {name.strip() for name in cells[-1].split(",") if name.strip()}
        unknown = libraries - LIBRARY_INCLUDES.keys()
        if unknown:
            sys.exit(f"ARCHITECTURE.md: row {module}: unknown libraries {sorted(unknown)}")
        rows[module] = (modules, libraries)
    return rows


def unit_test_namespaces(root: pathlib.Path):
    """Unit test files whose code is not all inside a namespace named after the file."""
    problems = []
    opened = re.compile(r"^namespace ([\w:]+) \{$")
    for path in sorted((root / "tests" / "unit").rglob("*.cpp")):
        names = [m.group(1) for m in map(opened.match, path.read_text().splitlines()) if m]
        if not names or any(name.rsplit("::", 1)[-1] != path.stem for name in names):
            problems.append(f"{path.relative_to(root)}: its code belongs in `namespace "
                            f"tether::{path.stem} {{` (unity batches: tests/CMakeLists.txt)")
    return problems


def main() -> int:
    root = pathlib.Path(sys.argv[1])
    src = root / "agent" / "src"
    rows = read_table(root / "ARCHITECTURE.md")
    folders = {p.name for p in src.iterdir() if p.is_dir()}
    problems = []
    for missing in sorted(folders - rows.keys()):
        problems.append(f"agent/src/{missing}/: a module ARCHITECTURE.md does not list")
    for gone in sorted(rows.keys() - folders):
        problems.append(f"ARCHITECTURE.md lists `{gone}`, which is not a folder of agent/src/")
    for module in sorted(folders & rows.keys()):
        allowed_modules, allowed_libraries = rows[module]
        for path in sorted((src / module).rglob("*")):
            if path.suffix not in (".cpp", ".hpp", ".h"):
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                match = INCLUDE.match(line)
                if not match:
                    continue
                where = f"{path.relative_to(root)}:{number}"
                header = match.group(2)
                first = header.split("/", 1)[0]
                if match.group(1) == '"' and "/" in header and first in folders:
                    if first in (module, "core") or allowed_modules is None:
                        continue
                    if first not in allowed_modules:
                        problems.append(f"{where}: `{module}` includes `{first}` ({header}); "
                                        f"ARCHITECTURE.md allows {sorted(allowed_modules)}")
                    continue
                for library, pattern in LIBRARY_INCLUDES.items():
                    if pattern.search(header) and library not in allowed_libraries:
                        problems.append(f"{where}: `{module}` includes {library} ({header}); "
                                        f"only the modules whose row names {library} may")
    problems += unit_test_namespaces(root)
    for problem in problems:
        print(problem)
    print(f"check_architecture: {len(rows)} modules, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
