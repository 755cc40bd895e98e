"""What `scaffold cross` writes: the linker in .cargo/config.toml, the per-target env file."""

from __future__ import annotations

import subprocess
import tomllib

import pytest

from scaffold.cross import envfile
from scaffold.errors import ManifestError
from scaffold.toml.cargo_config import config_path, with_linker
from tests.conftest import posix_only

T = "aarch64-unknown-linux-gnu"


@pytest.mark.parametrize(
    "before,after",
    [
        ("", f'[target.{T}]\nlinker = "cc-x"\n'),
        (
            "[build]\njobs = 2 # keep me\n",
            f'[build]\njobs = 2 # keep me\n\n[target.{T}]\nlinker = "cc-x"\n',
        ),
        ("# only a comment", f'# only a comment\n\n[target.{T}]\nlinker = "cc-x"\n'),
        (
            f'[target.{T}]\nrunner = "qemu"  # emulate\n',
            f'[target.{T}]\nrunner = "qemu"  # emulate\nlinker = "cc-x"\n',
        ),
        (f'[target.{T}]\nlinker = "old"  # was\n', f'[target.{T}]\nlinker = "cc-x"  # was\n'),
        (
            f'target.{T}.runner = "qemu"\n',
            f'target.{T}.runner = "qemu"\ntarget.{T}.linker = "cc-x"\n',
        ),
        (
            '[target.x86_64-unknown-linux-gnu]\nlinker = "a"\n\n[env]\nA = "1"\n',
            '[target.x86_64-unknown-linux-gnu]\nlinker = "a"\n\n[env]\nA = "1"\n\n'
            f'[target.{T}]\nlinker = "cc-x"\n',
        ),
    ],
)
def test_linker_edits_keep_everything_else(tmp_path, before, after):
    path = tmp_path / "config.toml"
    if before:
        path.write_text(before)
    text, _ = with_linker(path, T, "cc-x")
    assert text == after
    assert tomllib.loads(text)["target"][T]["linker"] == "cc-x"


def test_crlf_and_bom_are_kept(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes("\ufeff[build]\r\njobs = 1\r\n".encode())
    text, previous = with_linker(path, T, "cc-x")
    assert previous is None
    assert text == f'\ufeff[build]\r\njobs = 1\r\n\r\n[target.{T}]\r\nlinker = "cc-x"\r\n'


def test_unchanged_and_refused(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(f'[target.{T}]\nlinker = "cc-x"\n')
    assert with_linker(path, T, "cc-x") == (f'[target.{T}]\nlinker = "cc-x"\n', "cc-x")
    path.write_text("target = 3\n")
    with pytest.raises(ManifestError, match="would break it"):
        with_linker(path, T, "cc-x")


def test_legacy_config_name(tmp_path):
    assert config_path(tmp_path) == tmp_path / ".cargo" / "config.toml"
    (tmp_path / ".cargo").mkdir()
    (tmp_path / ".cargo" / "config").write_text("")
    assert config_path(tmp_path) == tmp_path / ".cargo" / "config"


@posix_only("the env file is POSIX sh")
def test_env_file_round_trip_and_shell(tmp_path):
    settings = {"PYO3_CROSS_LIB_DIR": "/opt/sys root/lib", "PYO3_CROSS_PYTHON_VERSION": "3.12"}
    path = envfile.path_for(tmp_path, T)
    path.parent.mkdir(parents=True)
    path.write_text(envfile.render(T, settings))
    assert envfile.read(path) == settings
    shell = subprocess.run(
        ["sh", "-c", f'. "{path}" && echo "$PYO3_CROSS_LIB_DIR"'],
        capture_output=True,
        text=True,
        check=True,
    )
    assert shell.stdout == "/opt/sys root/lib\n"
    path.write_text("PYO3_CROSS=1\n")
    with pytest.raises(ManifestError, match="expected `export NAME=value`"):
        envfile.read(path)
