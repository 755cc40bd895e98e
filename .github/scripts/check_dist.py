"""Check the sdist and the wheel of pyo3-scaffold before they are published.

    python .github/scripts/check_dist.py dist/

Beside `twine check` (metadata renders) and `check-wheel-contents` (wheel layout), this checks
what only this project knows: the wheel ships the copier templates, `releases.toml`, the
templates' release history as git bundles (scaffold/render/history.py), whose newest release is
this version, and LICENSE; the sdist carries the bundles too, so a wheel builds from it without
`.git`. Prints one line per problem and exits 1, or prints a summary and exits 0.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

TEMPLATES = ("workspace", "profiler")


def wheel_problems(wheel: Path, version: str) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        bundles = {}
        for name in TEMPLATES:
            member = f"scaffold/templates/history/{name}.bundle"
            if member in names:
                bundles[name] = archive.read(member)
    dist_info = f"pyo3_scaffold-{version}.dist-info"
    wanted = [
        "scaffold/__init__.py",
        "scaffold/cli.py",
        "scaffold/templates/releases.toml",
        *(f"scaffold/templates/{name}/copier.yml" for name in TEMPLATES),
        *(f"scaffold/templates/history/{name}.bundle" for name in TEMPLATES),
        f"{dist_info}/licenses/LICENSE",
        f"{dist_info}/entry_points.txt",
    ]
    problems = [f"{wheel.name}: lacks {name}" for name in wanted if name not in names]
    for name, data in bundles.items():
        releases = bundle_releases(data)
        if version not in releases:
            problems.append(
                f"{wheel.name}: the {name} template's history has releases {releases}, not "
                f"{version}; add its line to templates/releases.toml (docs/releasing.md)"
            )
    return problems


def sdist_problems(sdist: Path, version: str) -> list[str]:
    base = f"pyo3_scaffold-{version}"
    with tarfile.open(sdist) as archive:
        names = set(archive.getnames())
    wanted = [
        "pyproject.toml",
        "hatch_build.py",
        "LICENSE",
        "README.md",
        "templates/releases.toml",
        *(f"templates/history/{name}.bundle" for name in TEMPLATES),
    ]
    return [f"{sdist.name}: lacks {name}" for name in wanted if f"{base}/{name}" not in names]


def template_files_differ(sdist: Path, wheel: Path, version: str) -> list[str]:
    """Template files the sdist has and the wheel lacks (or the reverse): a wheel built from
    the sdist must ship every one of them."""
    base = f"pyo3_scaffold-{version}/"
    with tarfile.open(sdist) as archive:
        in_sdist = {
            m.name.removeprefix(base)
            for m in archive.getmembers()
            if m.isfile() and m.name.startswith(f"{base}templates/")
        }
    with zipfile.ZipFile(wheel) as archive:
        in_wheel = {
            name.removeprefix("scaffold/")
            for name in archive.namelist()
            if name.startswith("scaffold/templates/")
        }
    return [
        f"{wheel.name}: lacks {name} (in the sdist)" for name in sorted(in_sdist - in_wheel)
    ] + [
        f"{wheel.name}: ships {name}, which the sdist lacks" for name in sorted(in_wheel - in_sdist)
    ]


def bundle_releases(data: bytes) -> list[str]:
    """The release tags of a git bundle (`git bundle list-heads`)."""
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "template.bundle"
        path.write_bytes(data)
        heads = subprocess.run(
            ["git", "bundle", "list-heads", str(path)],
            capture_output=True,
            text=True,
            check=True,
            cwd=scratch,
        ).stdout
    return re.findall(r"refs/tags/(\S+)", heads)


def problems(dist: Path) -> tuple[str, list[str]]:
    """(version, problems) of the one sdist and one wheel in `dist`."""
    sdists, wheels = sorted(dist.glob("*.tar.gz")), sorted(dist.glob("*.whl"))
    if len(sdists) != 1 or len(wheels) != 1:
        found = f"found {len(sdists)} and {len(wheels)}"
        return "", [f"{dist}: expected one sdist and one wheel, {found}"]
    version = wheels[0].name.split("-")[1]
    found = wheel_problems(wheels[0], version)
    if sdists[0].name != f"pyo3_scaffold-{version}.tar.gz":
        found.append(f"{sdists[0].name}: not the wheel's version {version}")
    else:
        found += sdist_problems(sdists[0], version)
        found += template_files_differ(sdists[0], wheels[0], version)
    return version, found


def main(argv: list[str]) -> int:
    dist = Path(argv[0] if argv else "dist")
    version, found = problems(dist)
    for line in found:
        print(f"error: {line}", file=sys.stderr)
    if not found:
        print(f"pyo3-scaffold {version}: sdist and wheel carry the templates and their history")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
