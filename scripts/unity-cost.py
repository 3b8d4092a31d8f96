#!/usr/bin/env python3
"""CPU seconds (user+sys) of one unity batch against its files compiled one by one, from the
commands two builds of the same tree recorded: one configured with CMAKE_UNITY_BUILD=ON (the
presets), one with it OFF. ccache is bypassed; objects go to a temp file. A figure a loaded
machine barely changes (BENCHMARKS.md, "Build time and the CI budget").
  scripts/unity-cost.py UNITY_BUILD_DIR PLAIN_BUILD_DIR BATCH
  e.g. scripts/unity-cost.py build/test-asan build/asan-plain \\
         CMakeFiles/tether_core.dir/Unity/unity_2_cxx.cxx
"""
import json
import os
import re
import subprocess
import sys
import tempfile


def commands(build_dir):
    return {e["file"]: e for e in json.load(open(os.path.join(build_dir, "compile_commands.json")))}


def cpu_seconds(entry, obj):
    command = entry["command"].replace("/usr/bin/ccache ", "")
    command = re.sub(r" -o \S+", f" -o {obj}", command)
    done = subprocess.run(["/usr/bin/time", "-f", "%U %S", "sh", "-c", command],
                          cwd=entry["directory"], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"unity-cost: {entry['file']} did not compile:\n{done.stderr[-2000:]}")
    user, system = done.stderr.strip().splitlines()[-1].split()
    return float(user) + float(system)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    unity_dir, plain_dir, batch = sys.argv[1:]
    batch_file = os.path.abspath(os.path.join(unity_dir, batch))
    files = re.findall(r'#include "([^"]+)"', open(batch_file).read())
    unity, plain = commands(unity_dir), commands(plain_dir)
    with tempfile.NamedTemporaryFile(suffix=".o") as obj:
        together = cpu_seconds(unity[batch_file], obj.name)
        apart = sum(cpu_seconds(plain[f], obj.name) for f in files)
    print(f"{batch}: {len(files)} files, {together:.1f} CPU s as one batch, "
          f"{apart:.1f} CPU s one by one ({together / apart:.2f})")


if __name__ == "__main__":
    main()
