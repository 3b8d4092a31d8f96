#!/usr/bin/env python3
"""Writes the issue #18 seeds of tests/fuzz/corpus/archive and .../yaml (run from any dir;
the files are committed, this only documents how they were made and remakes them)."""
import gzip
import io
import os
import tarfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ARCHIVE = os.path.join(HERE, "corpus", "archive")
YAML = os.path.join(HERE, "corpus", "yaml")


def entry(name, kind=tarfile.REGTYPE, data=b"", mode=0o644, link=""):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.mode = mode
    info.linkname = link
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    info.mtime = 0
    return info, (io.BytesIO(data) if kind == tarfile.REGTYPE else None)


def tar_gz(name, entries):
    # gzip's own header carries no time either: the same seeds on every run.
    with gzip.GzipFile(os.path.join(ARCHIVE, name), "wb", mtime=0) as packed:
        with tarfile.open(fileobj=packed, mode="w", format=tarfile.PAX_FORMAT) as out:
            for info, data in entries:
                out.addfile(info, data)


def binary():
    return entry("bin/web", data=b"#!/bin/sh\necho web\n", mode=0o755)


tar_gz("dot-symlink-previous.tar.gz", [entry(".", tarfile.SYMTYPE, link="1.0.0-aaaaaaaaaaaa-bbbbbbbb"), binary()])
tar_gz("dot-slash-symlink.tar.gz", [entry("./.", tarfile.SYMTYPE, link="../other"), binary()])
tar_gz("dot-file.tar.gz", [entry(".", data=b"x")])
tar_gz("setuid-world-writable.tar.gz", [
    entry("bin", tarfile.DIRTYPE, mode=0o1777), entry("bin/id", data=b"x", mode=0o4755),
    entry("bin/group", data=b"x", mode=0o2775), entry("share/open", data=b"x", mode=0o666)])
tar_gz("record-symlink-to-binary.tar.gz", [binary(), entry(".tether/release.json", tarfile.SYMTYPE, link="../bin/web")])
tar_gz("tether-dir-symlink.tar.gz", [binary(), entry(".tether", tarfile.SYMTYPE, link="bin")])
tar_gz("write-through-inside-link.tar.gz", [binary(), entry("lib", tarfile.SYMTYPE, link="bin"),
                                            entry("lib/web", data=b"replaced", mode=0o755)])
tar_gz("file-then-dir.tar.gz", [entry("etc", data=b"file"), entry("etc/app.conf", data=b"x")])
tar_gz("hardlink-to-symlink.tar.gz", [binary(), entry("l", tarfile.SYMTYPE, link="bin"), entry("h", tarfile.LNKTYPE, link="l")])
tar_gz("hardlink-then-replace.tar.gz", [binary(), entry("etc/web.conf", tarfile.LNKTYPE, link="bin/web"),
                                        entry("etc/web.conf", data=b"config")])
tar_gz("hardlink-forward.tar.gz", [entry("h", tarfile.LNKTYPE, link="later"), entry("later", data=b"x")])
tar_gz("many-entries.tar.gz", [entry("f%d" % i, data=b"x") for i in range(200)])
tar_gz("zeros-1mib.tar.gz", [entry("data/zeros", data=bytes(1024 * 1024))])
tar_gz("fifo-and-device.tar.gz", [entry("p", tarfile.FIFOTYPE), entry("d", tarfile.CHRTYPE)])

# A header claiming 3 GiB over a few bytes: refused before any byte is written.
info, _ = entry("bomb", data=b"")
info.size = 3 * 1024 ** 3
with open(os.path.join(ARCHIVE, "header-claims-3gib.tar"), "wb") as out:
    out.write(info.tobuf(format=tarfile.PAX_FORMAT) + b"0123456789")

with zipfile.ZipFile(os.path.join(ARCHIVE, "zip-symlink-out.zip"), "w") as out:
    link = zipfile.ZipInfo("bin/sh")
    link.external_attr = (0o120777 << 16)
    out.writestr(link, "/bin/sh")
    setuid = zipfile.ZipInfo("bin/id")
    setuid.external_attr = (0o104755 << 16)
    out.writestr(setuid, "x")

os.makedirs(YAML, exist_ok=True)


def yaml(name, text):
    with open(os.path.join(YAML, name), "w") as out:
        out.write(text)


bomb = "apiVersion: tether.dev/v1\nkind: Host\nmetadata: {name: h}\nx:\n  a0: &a0 [x,x,x,x,x,x,x,x,x,x]\n"
for i in range(1, 12):
    bomb += "  a%d: &a%d [%s]\n" % (i, i, ",".join(["*a%d" % (i - 1)] * 10))
yaml("alias-bomb.yaml", bomb)
yaml("alias-cycle.yaml", "a: &a [1, *a]\n")
yaml("alias-cycle-map.yaml", "spec: &s {labels: {zone: b}, x: [*s]}\n")
yaml("alias-merge-key.yaml", "base: &b {PORT: \"1\"}\nenv:\n  <<: *b\n  X: \"2\"\n")
yaml("alias-modest.yaml", "apiVersion: tether.dev/v1\nkind: Host\nmetadata: {name: h}\nspec:\n  labels: &l {a: b}\nother: *l\n")
yaml("alias-in-key.yaml", "? &k [a, b]\n: 1\n? *k\n: 2\n")
yaml("nested-flow.yaml", "spec: " + "[" * 70 + "]" * 70 + "\n")
yaml("nested-block.yaml", "".join("  " * i + "k%d:\n" % i for i in range(70)) + "  " * 70 + "v\n")
yaml("anchors-many.yaml", "".join("a%d: &a%d x\n" % (i, i) for i in range(50)) + "l: [" + ",".join("*a%d" % i for i in range(50)) + "]\n")
with open(os.path.join(YAML, "not-utf8.yaml"), "wb") as out:
    out.write(b'env: {X: "\xff\xfe"}\nk\xc3\x28: v\n')
