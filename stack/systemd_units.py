"""The systemd units and the environment file of docs/deploy.md, read out of the page itself.

The page is the single source: an operator copies the ```ini block after a line naming
`/etc/systemd/system/<name>.service`, and the tests start the servers from the same block. This module parses
what it holds the way systemd 252 does, for the parts the units use:

- unit files: `[Section]` headers, `Key=Value` lines (a key may repeat; an empty value resets the list),
  `#`/`;` comment lines (also inside a continued line) and a trailing backslash that joins the next line
  (systemd turns the backslash into a space);
- `Environment=` (space-separated assignments, quotes allowed) and `EnvironmentFile=` (`-` prefix: may be
  missing), the file's settings winning over `Environment=`, both over the manager's own environment;
- `ExecStart=`/`ExecStartPost=`: the `-` prefix (a failure is ignored) and `:` (no `$` expansion), words
  split with systemd's quoting and C escapes, then `${VAR}` replaced inside a word (always one argument),
  `$VAR` as a word of its own split at whitespace (zero or more arguments), `$$` a literal `$`; a braceless
  `$VAR` inside a word is left alone (a `/bin/sh -c` script then expands it from the environment);
- environment files: `KEY=VALUE` lines, `#`/`;` comments, single quotes literal, double quotes with `\\`
  escapes, no `$` expansion.

Anything else systemd would treat specially (`%` specifiers, `@`/`+`/`!` prefixes, `;` between commands,
`${VAR:-default}`) raises UnitError instead of being guessed at. `relocated` substitutes an install root for
`/opt/assistant` (and any other literal paths) so the units can run from a checkout.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from stack import paths

DEPLOY_DOC = paths.REPO_ROOT / "docs" / "deploy.md"
INSTALL_ROOT = "/opt/assistant"
UNIT_DIR = "/etc/systemd/system/"
ENV_FILE = "/etc/assistant/assistant.env"
# What a system service starts with on Debian 12 before its own settings (systemd's default PATH).
MANAGER_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FENCE = re.compile(r"^```")
_NAMED_FILE = re.compile(r"^`(/[^`\s]+)`")
_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "s": " ",
    "\\": "\\",
    '"': '"',
    "'": "'",
}


class UnitError(ValueError):
    """A unit or environment file this module cannot read as systemd would."""


@dataclass(frozen=True)
class ExecCommand:
    """One `Exec*=` line: its words before `$` expansion and what its prefix asks of systemd."""

    words: tuple[str, ...]
    ignore_failure: bool = False  # "-": a non-zero exit does not fail the unit
    expand: bool = True  # ":" turns `$` expansion off

    def argv(self, env: Mapping[str, str]) -> list[str]:
        """The argument vector systemd executes with `env` (the unit's environment)."""
        if not self.expand:
            return list(self.words)
        argv: list[str] = []
        for word in self.words:
            if word.startswith("$") and word[1:2] not in ("{", "$"):
                argv.extend(env.get(word[1:], "").split())
            else:
                argv.append(_replace_env(word, env))
        return argv


def program(argv: list[str]) -> list[str]:
    """The program a `/bin/sh -c 'VAR=value ... exec PROGRAM ARGS'` line runs (its script parsed as the shell
    does, without expanding variables); any other argv as it is. A script doing more than that raises."""
    if len(argv) != 3 or Path(argv[0]).name not in ("sh", "bash", "dash") or argv[1] != "-c":
        return list(argv)
    lexer = shlex.shlex(argv[2], posix=True, punctuation_chars=";&|<>()")
    lexer.whitespace_split = True
    words = list(lexer)
    if any(word and set(word) <= set(";&|<>()") for word in words):
        raise UnitError(f"the shell script {argv[2]!r} is more than assignments and one exec")
    while words and "=" in words[0] and _NAME.fullmatch(words[0].split("=", 1)[0]):
        words.pop(0)
    if words[:1] == ["exec"]:
        words.pop(0)
    if not words:
        raise UnitError(f"the shell script {argv[2]!r} runs nothing")
    return words


@dataclass(frozen=True)
class Unit:
    """One unit file: its name (e.g. `assistant-rasa.service`) and its settings in file order."""

    name: str
    text: str
    settings: tuple[tuple[str, str, str], ...]  # (section, key, value)

    @property
    def sections(self) -> list[str]:
        return list(dict.fromkeys(section for section, _, _ in self.settings))

    def values(self, section: str, key: str) -> list[str]:
        """Every value of `key`, in order; an empty assignment drops the ones before it (as systemd does)."""
        found: list[str] = []
        for where, name, value in self.settings:
            if where == section and name == key:
                found = [] if value == "" else [*found, value]
        return found

    def value(self, section: str, key: str) -> str | None:
        found = self.values(section, key)
        return found[-1] if found else None

    def commands(self, key: str) -> list[ExecCommand]:
        """`ExecStart`, `ExecStartPost`, ... of [Service], each parsed."""
        return [parse_exec(value) for value in self.values("Service", key)]

    def relocated(self, replacements: Mapping[str, str]) -> Unit:
        """The same unit with each literal path replaced (e.g. {"/opt/assistant": checkout})."""
        return parse_unit(self.name, relocated(self.text, replacements))

    def environment(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """The environment its processes get: `base` (the manager's; default just PATH), then
        `Environment=`, then each `EnvironmentFile=` read from disk in order."""
        env = dict(base if base is not None else {"PATH": MANAGER_PATH})
        for value in self.values("Service", "Environment"):
            _no_specifiers(value)
            for word in split_words(value):
                name, sep, setting = word.partition("=")
                if not sep or not _NAME.fullmatch(name):
                    raise UnitError(f"{self.name}: Environment= {word!r} is not NAME=VALUE")
                env[name] = setting
        for value in self.values("Service", "EnvironmentFile"):
            optional, file_name = value.startswith("-"), value.lstrip("-")
            file = Path(file_name)
            if not file.is_file():
                if optional:
                    continue
                raise UnitError(f"{self.name}: EnvironmentFile={file_name} does not exist")
            env.update(parse_env_file(file.read_text(encoding="utf-8")))
        return env


def relocated(text: str, replacements: Mapping[str, str]) -> str:
    """`text` with each key replaced by its value where it is a whole path or a path's leading part."""
    for old, new in sorted(replacements.items(), key=lambda item: -len(item[0])):
        text = re.sub(re.escape(old) + r"(?=[/\s'\":]|$)", lambda _match, new=new: new, text, flags=re.M)
    return text


def parse_unit(name: str, text: str) -> Unit:
    settings: list[tuple[str, str, str]] = []
    section: str | None = None
    pending = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if stripped[:1] in ("#", ";"):
            continue  # a comment, also in the middle of a continued line
        line = pending + stripped
        if line.endswith("\\") and not line.endswith("\\\\"):
            pending = line[:-1] + " "
            continue
        pending = ""
        if not line:
            continue
        if line.startswith("["):
            if not line.endswith("]"):
                raise UnitError(f"{name}:{number}: bad section header {line!r}")
            section = line[1:-1]
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise UnitError(f"{name}:{number}: {line!r} is not Key=Value")
        if section is None:
            raise UnitError(f"{name}:{number}: {key.strip()}= before any [Section]")
        settings.append((section, key.strip(), value.strip()))
    if pending:
        raise UnitError(f"{name}: the last line ends with a backslash")
    return Unit(name=name, text=text, settings=tuple(settings))


def parse_exec(value: str) -> ExecCommand:
    """One `Exec*=` value: its prefix characters, then its words (quotes and escapes removed)."""
    _no_specifiers(value)
    ignore_failure, expand = False, True
    rest = value
    while rest[:1] in ("-", ":", "@", "+", "!"):
        mark, rest = rest[0], rest[1:]
        if mark == "-":
            ignore_failure = True
        elif mark == ":":
            expand = False
        else:
            raise UnitError(f"the {mark!r} prefix of {value!r} is not supported here")
    words = split_words(rest)
    if not words:
        raise UnitError(f"{value!r} has no command")
    if ";" in words:
        raise UnitError(f"several commands on one line ({value!r}) are not supported here")
    if expand:
        for word in words:
            _replace_env(word, {})  # refuses what it cannot expand now, not when the unit starts
    if not words[0].startswith("/"):
        raise UnitError(f"{words[0]!r}: systemd 252 needs the program as an absolute path here")
    return ExecCommand(words=tuple(words), ignore_failure=ignore_failure, expand=expand)


def split_words(text: str) -> list[str]:
    """systemd's word splitting: whitespace between words, '...' and "..." group, C escapes everywhere."""
    words: list[str] = []
    i, n = 0, len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            return words
        word: list[str] = []
        while i < n and not text[i].isspace():
            char = text[i]
            if char in ("'", '"'):
                end = i + 1
                while end < n and text[end] != char:
                    if text[end] == "\\":
                        escaped, end = _escape(text, end)
                        word.append(escaped)
                    else:
                        word.append(text[end])
                        end += 1
                if end >= n:
                    raise UnitError(f"unterminated {char} in {text!r}")
                i = end + 1
            elif char == "\\":
                escaped, i = _escape(text, i)
                word.append(escaped)
            else:
                word.append(char)
                i += 1
        words.append("".join(word))


def _escape(text: str, i: int) -> tuple[str, int]:
    """The character a backslash at `i` stands for, and where reading continues."""
    code = text[i + 1 : i + 2]
    if code in _ESCAPES:
        return _ESCAPES[code], i + 2
    if code == "x" and re.fullmatch(r"[0-9a-fA-F]{2}", text[i + 2 : i + 4]):
        return chr(int(text[i + 2 : i + 4], 16)), i + 4
    raise UnitError(f"unsupported escape \\{code} in {text!r}")


def _replace_env(word: str, env: Mapping[str, str]) -> str:
    out: list[str] = []
    i = 0
    while i < len(word):
        if word.startswith("$$", i):
            out.append("$")
            i += 2
        elif word.startswith("${", i):
            end = word.find("}", i)
            if end < 0:
                raise UnitError(f"unterminated ${{ in {word!r}")
            name = word[i + 2 : end]
            if not _NAME.fullmatch(name):
                raise UnitError(f"${{{name}}} in {word!r}: only plain ${{NAME}} is supported here")
            out.append(env.get(name, ""))
            i = end + 1
        else:
            out.append(word[i])
            i += 1
    return "".join(out)


def _no_specifiers(value: str) -> None:
    if "%" in value:
        raise UnitError(f"{value!r}: systemd reads % as a specifier (write %% for a percent sign)")


def parse_env_file(text: str) -> dict[str, str]:
    """An `EnvironmentFile=`: the settings in order (a later one wins), without `$` expansion."""
    env: dict[str, str] = {}
    pending = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = pending + raw.strip()
        if line.endswith("\\") and not line.endswith("\\\\"):
            pending = line[:-1]
            continue
        pending = ""
        if not line or line[0] in ("#", ";"):
            continue
        name, sep, value = line.partition("=")
        name = name.strip()
        if not sep or not _NAME.fullmatch(name):
            raise UnitError(f"environment file line {number}: {raw!r} is not NAME=VALUE")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == "'":
            value = value[1:-1]
        elif len(value) >= 2 and value[0] == value[-1] == '"':
            value = re.sub(r'\\([\\"$`])', r"\1", value[1:-1])
        else:
            value = re.sub(r"\\(.)", r"\1", value)
        env[name] = value
    return env


def doc_files(text: str) -> dict[str, str]:
    """Each file the page gives whole: a line starting with the file's path in backticks, then (after blank
    lines only) a fenced block holding the file."""
    files: dict[str, str] = {}
    lines = text.splitlines()
    for index, line in enumerate(lines):
        named = _NAMED_FILE.match(line)
        if not named:
            continue
        start = index + 1
        while start < len(lines) and not lines[start].strip():
            start += 1
        if start >= len(lines) or not _FENCE.match(lines[start]):
            continue
        end = start + 1
        while end < len(lines) and not _FENCE.match(lines[end]):
            end += 1
        if end >= len(lines):
            raise UnitError(f"the block after {named.group(1)} is not closed")
        files[named.group(1)] = "\n".join(lines[start + 1 : end]) + "\n"
    return files


def deploy_units(doc: Path = DEPLOY_DOC) -> dict[str, Unit]:
    """The page's units by name (`assistant-rasa.service`, ...), as written there (paths under /opt)."""
    files = doc_files(doc.read_text(encoding="utf-8"))
    return {
        path.removeprefix(UNIT_DIR): parse_unit(path.removeprefix(UNIT_DIR), text)
        for path, text in files.items()
        if path.startswith(UNIT_DIR)
    }


def deploy_env_file(doc: Path = DEPLOY_DOC) -> str:
    """The page's example of /etc/assistant/assistant.env, as written there."""
    files = doc_files(doc.read_text(encoding="utf-8"))
    if ENV_FILE not in files:
        raise UnitError(f"{doc} gives no {ENV_FILE}")
    return files[ENV_FILE]
