"""The CI workflow `scaffold new` writes (`.github/workflows/CI.yml`), grown as text for the
crates `scaffold add` makes: only the lines that must change change, and a workflow that is not
the generated one (the anchors are missing) is left alone: the caller says what to add instead.

A second extension ships its own wheels the way workspaces with several Python packages do it
(e.g. arro3's three packages): the maturin wheel jobs and the sdist job run once per package,
from a `package` matrix entry (its name, its pyproject.toml's folder, its Cargo manifest for
`maturin build -m`); the artifacts get the package's name, so the release job's `wheels-*`
download publishes all of them. cibuildwheel (setuptools-rust) gets a second step with
`package-dir` (and no sdist: setuptools packs only the package's folder).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MATURIN_JOBS = ("manylinux", "musllinux", "windows", "macos")  # the job names' first word
ARTIFACT_JOBS = ("linux", "musllinux", "windows", "macos")  # `wheels-<job>-<target>`
PACKAGE = "${{ matrix.package.name }}"


@dataclass(frozen=True)
class WheelPackage:
    """A Python package of the workspace, as one entry of the wheel jobs' matrix."""

    name: str  # the distribution name (pip install NAME)
    directory: str  # its pyproject.toml's folder, relative to the root ("." for the root)
    manifest: str  # its crate's Cargo.toml, relative to the root (`maturin build -m`)

    def entry(self) -> str:
        return (
            f"          - {{ name: {self.name}, dir: {_quoted(self.directory)}, "
            f"manifest: {self.manifest} }}\n"
        )


def _quoted(value: str) -> str:
    return f'"{value}"' if value == "." else value


def step_after_test_lib(text: str, title: str, command: str) -> str | None:
    """A step after `cargo test-lib` in the Rust job; None without that step."""
    anchor = "        run: cargo test-lib\n"
    if anchor not in text:
        return None
    return text.replace(anchor, f"{anchor}      - name: {title}\n        run: {command}\n", 1)


def profiler_run(text: str, profiler: str) -> str | None:
    """A run of `profiler` after the last profiler run of the Rust job; None without one."""
    runs = list(
        re.finditer(r"^        run: cargo run --profile profiling -p \S+ (.*)\n", text, re.M)
    )
    if not runs:
        return None
    last = runs[-1]
    step = (
        f"      - name: Profiler run ({profiler})\n"
        f"        run: cargo run --profile profiling -p {profiler} {last.group(1)}\n"
    )
    return text[: last.end()] + step + text[last.end() :]


def maturin_wheels(text: str, first: WheelPackage, added: WheelPackage) -> str | None:
    """The maturin wheel and sdist jobs building `added` too: a new `package` matrix entry,
    or, on the workflow `scaffold new` wrote, the `package` matrix over `first` and `added`.
    None when the jobs are not the generated ones."""
    if "matrix.package.manifest" in text:
        blocks = list(
            re.finditer(r"^        package:\n(?:          - \{ name: .*\}\n)+", text, re.M)
        )
        if not blocks:
            return None
        for block in reversed(blocks):
            text = text[: block.end()] + added.entry() + text[block.end() :]
        return text
    return _package_matrix(text, [first, added])


def _package_matrix(text: str, packages: list[WheelPackage]) -> str | None:
    block = (
        "        # One build per Python package of the workspace (`scaffold add extension`): its\n"
        "        # name, its pyproject.toml's folder, its crate's manifest (`maturin build -m`).\n"
        "        package:\n" + "".join(p.entry() for p in packages)
    )
    manifest = " -m ${{ matrix.package.manifest }}"
    edits: list[tuple[str, str, int]] = [
        # (pattern, replacement, how many the generated workflow has at least)
        (r"^(      matrix:\n)(        platform:\n)", r"\g<1>" + _escape(block) + r"\g<2>", 4),
        (
            rf"^(    name: (?:{'|'.join(MATURIN_JOBS)}) )"
            r"(\$\{\{ matrix\.platform\.target \}\})$",
            r"\g<1>" + _escape(PACKAGE) + r" \g<2>",
            4,
        ),
        (
            r"^(          args: --release --out dist)(.*)$",
            r"\g<1>" + _escape(manifest) + r"\g<2>",
            4,
        ),
        (
            rf"^(          name: wheels-(?:{'|'.join(ARTIFACT_JOBS)})-)(\$\{{\{{ matrix\.platform)",
            r"\g<1>" + _escape(PACKAGE) + r"-\g<2>",
            4,
        ),
        # pytest on the installed wheel: in the package's folder, the wheel of this package
        (
            r"^(        shell: bash\n        run: \|\n          python -m pip install --upgrade)",
            _escape(
                "        working-directory: ${{ matrix.package.dir }}\n"
                "        env:\n"
                "          PACKAGE: ${{ matrix.package.name }}\n"
            )
            + r"\g<1>",
            3,
        ),
        (
            r"^(          python -m pip install )\S+( --no-index --no-deps --find-links )dist\b",
            r'\g<1>"$PACKAGE"\g<2>"$GITHUB_WORKSPACE/dist"',
            3,
        ),
        (
            r"^(          python -m pip install )\S+( --find-links )dist$",
            r'\g<1>"$PACKAGE"\g<2>"$GITHUB_WORKSPACE/dist"',
            3,
        ),
        # the same in the musllinux job's Alpine container
        (
            r'^(        run: \|\n          docker run --rm -v "\$PWD":/io )-w /io ',
            _escape(
                "        env:\n"
                "          PACKAGE: ${{ matrix.package.name }}\n"
                "          PACKAGE_DIR: ${{ matrix.package.dir }}\n"
            )
            + r'\g<1>-w "/io/$PACKAGE_DIR" -e PACKAGE ',
            1,
        ),
        (
            r"^(            python -m pip install )\S+( --no-index --no-deps --find-links )dist\b",
            r'\g<1>"$PACKAGE"\g<2>/io/dist',
            1,
        ),
        (
            r"^(            python -m pip install )\S+( --find-links )dist$",
            r'\g<1>"$PACKAGE"\g<2>/io/dist',
            1,
        ),
        # the sdist job: once per package
        (
            r"^(  sdist:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: read\n)",
            r"\g<1>" + _escape("    strategy:\n      matrix:\n" + block),
            1,
        ),
        (
            r"^(          command: sdist\n          args: --out dist)$",
            r"\g<1>" + _escape(manifest),
            1,
        ),
        (r"^(          name: wheels-sdist)$", r"\g<1>-" + _escape(PACKAGE), 1),
    ]
    for pattern, replacement, expected in edits:
        text, count = re.subn(pattern, replacement, text, flags=re.M)
        if count < expected:
            return None
    return text


def cibuildwheel_wheels(text: str, added: WheelPackage) -> str | None:
    """The cibuildwheel job building `added` too: a second step with `package-dir` (pip builds
    in place, so cargo finds the workspace above it). No sdist: setuptools packs only files
    below the package's folder, so its sdist would carry none of the workspace's Rust code (the
    caller says so). None when the job is not the generated one."""
    step = re.search(
        r"^      - name: Build and test wheels.*\n        uses: (pypa/cibuildwheel@\S+)\n"
        r"        env:\n          CIBW_ARCHS: (.*)\n        with:\n          output-dir: dist\n",
        text,
        re.M,
    )
    if step is None:
        return None
    where = added.directory
    second = (
        f"      - name: Build and test wheels of {added.name} (config in {where}/pyproject.toml)\n"
        f"        uses: {step.group(1)}\n"
        f"        env:\n          CIBW_ARCHS: {step.group(2)}\n"
        f"        with:\n          package-dir: {where}\n          output-dir: dist\n"
    )
    return text[: step.end()] + second + text[step.end() :]


def _escape(replacement: str) -> str:
    """Literal text for `re.sub`'s replacement (backslashes doubled)."""
    return replacement.replace("\\", "\\\\")
