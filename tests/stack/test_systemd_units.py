"""docs/deploy.md's systemd units, read out of the page: they parse as systemd parses them, systemd's own
`systemd-analyze verify` accepts them (paths rewritten to this checkout), and every program, module,
sub-command, flag and file they name exists. tests/cluster/profile/test_multi_host.py starts them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from stack import paths
from stack.systemd_units import (
    ENV_FILE,
    INSTALL_ROOT,
    UNIT_DIR,
    UnitError,
    deploy_env_file,
    deploy_units,
    doc_files,
    parse_env_file,
    parse_exec,
    parse_unit,
    program,
    relocated,
)

UNIT_NAMES = ["assistant-rasa.service", "assistant-actions.service", "assistant-handoff.service"]
DOC_MODEL = f"{INSTALL_ROOT}/models/MODEL.tar.gz"  # the page's placeholder for the model file


def _checkout_env_file(tmp_path: Path) -> Path:
    """The page's environment file with /opt/assistant as this checkout, where a unit can read it."""
    env_file = tmp_path / "assistant.env"
    env_file.write_text(relocated(deploy_env_file(), {INSTALL_ROOT: str(paths.REPO_ROOT)}), encoding="utf-8")
    return env_file


def _checkout_unit_text(name: str, env_file: Path) -> str:
    return relocated(deploy_units()[name].text, {INSTALL_ROOT: str(paths.REPO_ROOT), ENV_FILE: str(env_file)})


# --- the page ---------------------------------------------------------------------------------------------


def test_the_page_gives_three_units_and_the_env_file_they_read() -> None:
    units = deploy_units()
    assert sorted(units) == sorted(UNIT_NAMES)
    for unit in units.values():
        assert unit.sections == ["Unit", "Service", "Install"], unit.name
        assert len(unit.commands("ExecStart")) == 1, unit.name
        assert unit.value("Service", "WorkingDirectory") == INSTALL_ROOT
        assert unit.values("Service", "EnvironmentFile") == [ENV_FILE]
    env = parse_env_file(deploy_env_file())
    assert env["BIND_ADDRESS"] == "10.0.1.11"
    assert env["PYTHONPATH"] == INSTALL_ROOT


@pytest.mark.parametrize("name", UNIT_NAMES)
def test_every_variable_a_unit_uses_is_set_by_the_env_file_or_the_unit(name: str) -> None:
    unit = deploy_units()[name]
    env = dict(setting.split("=", 1) for setting in unit.values("Service", "Environment"))
    env |= parse_env_file(deploy_env_file())
    for key in ("ExecStart", "ExecStartPost"):
        for value in unit.values("Service", key):
            used = set(re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", value))
            assert used <= set(env), f"{name} {key} uses {sorted(used - set(env))}, which nothing sets"


def test_the_rasa_unit_reads_as_one_command_line() -> None:
    unit = deploy_units()["assistant-rasa.service"]
    [start] = unit.commands("ExecStart")
    env = parse_env_file(deploy_env_file())
    argv = start.argv(env)
    assert argv[:4] == [f"{INSTALL_ROOT}/.venv-rasa/bin/rasa", "run", "--model", DOC_MODEL]
    assert f"--auth-token={env['RASA_AUTH_TOKEN']}" in argv  # one argument, even for a token starting "-"
    assert argv[argv.index("--interface") + 1] == env["BIND_ADDRESS"]
    assert argv[-2:] == ["--cors", env["PUBLIC_HANDOFF_URL"]]


def test_the_actions_warm_up_may_fail_without_failing_the_unit() -> None:
    unit = deploy_units()["assistant-actions.service"]
    [post] = unit.commands("ExecStartPost")
    assert post.ignore_failure
    assert post.argv({"BIND_ADDRESS": "10.0.1.11"})[-1] == "http://10.0.1.11:5055"
    [start] = unit.commands("ExecStart")
    assert not start.ignore_failure


# --- systemd's parsing rules --------------------------------------------------------------------------------


def test_a_trailing_backslash_joins_lines_and_comments_inside_are_dropped() -> None:
    unit = parse_unit(
        "x.service",
        "[Service]\nExecStart=/bin/echo a \\\n# a comment\n    b\\\n  c\n; another\nRestart=always\n",
    )
    [start] = unit.commands("ExecStart")
    assert start.argv({}) == ["/bin/echo", "a", "b", "c"]
    assert unit.value("Service", "Restart") == "always"


def test_braced_variables_are_one_argument_and_a_bare_variable_word_splits() -> None:
    command = parse_exec('/bin/echo ${A} x${A}y $A $NONE $$A \'q ${A}\' "d\\"q" $A-not-a-word')
    env = {"A": "one two"}
    assert command.argv(env) == ["/bin/echo", "one two", "xone twoy", "one", "two", "$A", "q one two", 'd"q']
    assert parse_exec(":/bin/echo ${A}").argv(env) == ["/bin/echo", "${A}"]


def test_a_shell_line_runs_the_program_after_its_assignments() -> None:
    command = parse_exec("/bin/sh -c 'SANIC_HOST=$BIND_ADDRESS exec /x/python -m rasa_sdk --port 5055'")
    argv = command.argv({"BIND_ADDRESS": "10.0.1.11"})
    assert argv == ["/bin/sh", "-c", "SANIC_HOST=$BIND_ADDRESS exec /x/python -m rasa_sdk --port 5055"]
    assert program(argv) == ["/x/python", "-m", "rasa_sdk", "--port", "5055"]
    with pytest.raises(UnitError):
        program(["/bin/sh", "-c", "cd /tmp && exec /x/python"])


def test_the_env_file_wins_over_environment_and_is_read_without_expansion(tmp_path: Path) -> None:
    env_file = tmp_path / "env"
    env_file.write_text('# c\nA=from-file\nB=\'$A literal\'\nC="x\\"y"\n', encoding="utf-8")
    unit = parse_unit(
        "x.service",
        f'[Service]\nEnvironment=A=unit "D=two words"\nEnvironmentFile={env_file}\n'
        f"EnvironmentFile=-{tmp_path / 'missing'}\n",
    )
    assert unit.environment({"PATH": "/bin"}) == {
        "PATH": "/bin",
        "A": "from-file",
        "B": "$A literal",
        "C": 'x"y',
        "D": "two words",
    }
    with pytest.raises(UnitError):
        parse_unit("y.service", f"[Service]\nEnvironmentFile={tmp_path / 'missing'}\n").environment()


@pytest.mark.parametrize(
    "value", ["/bin/echo %n", "@/bin/echo x", "/bin/echo ${A:-b}", "/bin/a ; /bin/b", "relative/echo"]
)
def test_what_systemd_would_read_differently_is_refused(value: str) -> None:
    with pytest.raises(UnitError):
        parse_exec(value)


def test_files_are_taken_from_the_block_right_after_their_name() -> None:
    page = "`/etc/a.conf`:\n\n```ini\nK=V\n```\n\n`/etc/b.conf` is mentioned only.\n\nText.\n```\nX\n```\n"
    assert doc_files(page) == {"/etc/a.conf": "K=V\n"}
    assert relocated("X=/opt/assistant/bin /opt/assistantx\nY=/opt/assistant", {INSTALL_ROOT: "/r"}) == (
        "X=/r/bin /opt/assistantx\nY=/r"
    )


# --- systemd itself ---------------------------------------------------------------------------------------


def _verify(unit_file: Path) -> subprocess.CompletedProcess[str]:
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze is missing (Debian: apt-get install systemd)"
    # Offline: no man pages looked up, no generators run; works without a running systemd manager.
    return subprocess.run(
        [analyze, "verify", "--man=no", "--generators=no", str(unit_file)],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("name", UNIT_NAMES)
def test_systemd_analyze_verify_accepts_the_unit(name: str, tmp_path: Path) -> None:
    unit_file = tmp_path / name
    unit_file.write_text(_checkout_unit_text(name, _checkout_env_file(tmp_path)), encoding="utf-8")
    done = _verify(unit_file)
    # Exit 0 and not one warning (an unknown key or section is only a warning, still exit 0).
    assert done.returncode == 0 and not (done.stdout + done.stderr).strip(), done.stdout + done.stderr


def test_systemd_analyze_verify_catches_a_misspelt_key_and_a_missing_program(tmp_path: Path) -> None:
    text = _checkout_unit_text("assistant-handoff.service", _checkout_env_file(tmp_path))
    (tmp_path / "typo.service").write_text(text.replace("RestartSec=", "RestartSecs="), encoding="utf-8")
    assert "Unknown key" in _verify(tmp_path / "typo.service").stderr
    missing = text.replace("/bin/sh", str(tmp_path / "nowhere" / "sh"))
    (tmp_path / "missing.service").write_text(missing, encoding="utf-8")
    assert _verify(tmp_path / "missing.service").returncode != 0


# --- what the units run exists ------------------------------------------------------------------------------


def _help_command(argv: list[str]) -> list[str]:
    """`argv`'s program and sub-commands (the words before its first option), asked for --help."""
    head = argv[:3] if argv[1:2] == ["-m"] else argv[:1]
    rest = argv[len(head) :]
    words = []
    for word in rest:
        if word.startswith("-"):
            break
        words.append(word)
    return [*head, *words, "--help"]


def _missing_flags(argv: list[str], cwd: Path) -> list[str]:
    """The options in `argv` its program's --help does not list (and why, when --help itself fails)."""
    done = subprocess.run(
        _help_command(argv),
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(paths.REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        return [f"{' '.join(_help_command(argv))} exited {done.returncode}: {done.stderr.strip()[-500:]}"]
    flags = [word.split("=", 1)[0] for word in argv if word.startswith("--")]
    return [flag for flag in flags if not re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", done.stdout)]


COMMANDS = [(name, key) for name in UNIT_NAMES for key in ("ExecStart", "ExecStartPost")]


@pytest.mark.parametrize(("name", "key"), COMMANDS)
def test_every_program_file_and_flag_a_unit_names_exists(name: str, key: str, tmp_path: Path) -> None:
    unit = parse_unit(name, _checkout_unit_text(name, _checkout_env_file(tmp_path)))
    env = unit.environment()
    cwd = Path(unit.value("Service", "WorkingDirectory") or "/")
    for command in unit.commands(key):
        argv = program(command.argv(env))
        assert os.access(argv[0], os.X_OK), f"{name}: {argv[0]} is not an executable"
        for word in argv[1:]:
            looks_like_path = "/" in word and "://" not in word and not word.startswith("-")
            if looks_like_path and word != relocated(DOC_MODEL, {INSTALL_ROOT: str(paths.REPO_ROOT)}):
                assert (cwd / word).exists(), f"{name}: {word} does not exist (from {cwd})"
        assert _missing_flags(argv, cwd) == [], f"{name} {key}: {argv}"


def test_a_flag_or_module_that_does_not_exist_is_caught() -> None:
    python = str(paths.APP_PYTHON)
    assert _missing_flags(
        [python, "-m", "rasa_sdk", "--actions", "actions", "--no-such-flag", "1"], paths.REPO_ROOT
    )
    assert _missing_flags([python, "-m", "stack", "warm-upp", "http://x:5055"], paths.REPO_ROOT)
    assert _missing_flags([python, "-m", "no_such_module"], paths.REPO_ROOT)


def test_the_units_are_where_the_page_says_to_put_them() -> None:
    files = doc_files((paths.REPO_ROOT / "docs" / "deploy.md").read_text(encoding="utf-8"))
    assert {path.removeprefix(UNIT_DIR) for path in files if path.startswith(UNIT_DIR)} == set(UNIT_NAMES)
