"""Stale and global PyO3 settings, in the environment and in Cargo config `[env]` tables."""

from __future__ import annotations

from scaffold.doctor import stale


def names(settings):
    return {(s.name, s.where, s.severity) for s in settings}


def test_environment(tmp_path):
    env = {
        "PYTHON_SYS_EXECUTABLE": "/usr/bin/python3",
        "PYO3_CROSS_INCLUDE_DIR": "/inc",
        "PYO3_BUILD_EXTENSION_MODULE": "1",
        "PYO3_CROSS_LIB_DIR": "/x",
        "PYO3_CONFIG_FILE": "pyo3.cfg",
        "PYO3_PYTHON": "python3",
        "PATH": "/bin",
    }
    found = stale.find(env, [])
    assert names(found) == {
        ("PYTHON_SYS_EXECUTABLE", "environment", "warn"),
        ("PYO3_CROSS_INCLUDE_DIR", "environment", "warn"),
        ("PYO3_BUILD_EXTENSION_MODULE", "environment", "warn"),
        ("PYO3_CROSS_LIB_DIR", "environment", "warn"),
        ("PYO3_CONFIG_FILE", "environment", "error"),
    }
    assert (
        next(s for s in found if s.name == "PYTHON_SYS_EXECUTABLE").fix
        == "unset PYTHON_SYS_EXECUTABLE"
    )


def test_absolute_config_file(tmp_path):
    config = tmp_path / "pyo3.cfg"
    assert [s.problem for s in stale.find({"PYO3_CONFIG_FILE": str(config)}, [])] == [
        "names a file that does not exist"
    ]
    config.write_text("implementation=CPython\n")
    assert stale.find({"PYO3_CONFIG_FILE": str(config)}, []) == []


def test_cargo_config_env_tables(tmp_path):
    root = tmp_path / "project"
    (root / ".cargo").mkdir(parents=True)
    (root / ".cargo" / "config.toml").write_text(
        '[env]\nPYO3_CROSS_LIB_DIR = "/sysroot/lib"\n'
        'PYO3_CONFIG_FILE = { value = "pyo3.cfg", relative = true }\n'
        'UNRELATED = "1"\n'
    )
    (root / "pyo3.cfg").write_text("implementation=CPython\n")
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text('[env]\nPYO3_BUILD_EXTENSION_MODULE = "1"\n')
    configs = stale.cargo_configs(root / "crates" / "x", {"CARGO_HOME": str(home)})
    assert configs == [root / ".cargo" / "config.toml", home / "config.toml"]
    found = stale.find({}, configs)
    assert names(found) == {
        ("PYO3_CROSS_LIB_DIR", str(root / ".cargo" / "config.toml"), "warn"),
        ("PYO3_BUILD_EXTENSION_MODULE", str(home / "config.toml"), "warn"),
    }
    assert "remove PYO3_CROSS_LIB_DIR from [env]" in found[0].fix


def test_clean(tmp_path):
    assert stale.find({"PYO3_PYTHON": "/usr/bin/python3", "HOME": "/root"}, []) == []
