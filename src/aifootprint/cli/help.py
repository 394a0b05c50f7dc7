"""`--help` in the CLI's language: every help text is in texts.json's `cli_help` section.

click reads a command's help, epilog and option help from attributes, and its headings
("Usage:", "Options", "Commands") from gettext, which follows the process locale rather than
`--lang`. So each command gets `HelpContext` as its `context_class` (click's documented
hook, https://click.palletsprojects.com/en/stable/api/#click.Command.context_class): when
help or usage is about to be shown, it fills those attributes from the catalogue in the
help language, and its formatter (`Context.formatter_class`, the documented way to change
help formatting) writes the headings from the catalogue too.

Keys: `today` (a command's help, by its path under `aifootprint`, `main` for the group
itself), `today.epilog`, `today:as_json` (an option by its parameter name), and for an
option every command of a group shares, `aggregator.*:home` or `*:home`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence

import click

from ..core.configuration import system_lang
from ..core.i18n import LANGS, Catalog

HELP = Catalog("cli_help")
COMMON = Catalog("cli_common")


def asked_lang(args: Sequence[str]) -> str | None:
    """The --lang of a command line (`--lang nl` or `--lang=nl`), if it names nl or en:
    help is shown while the arguments are parsed, before --lang has a value."""
    for index, arg in enumerate(args):
        value = arg.partition("=")[2] if arg.startswith("--lang=") else (
            args[index + 1] if arg == "--lang" and index + 1 < len(args) else None)
        if value in LANGS:
            return value
    return None


def help_lang(asked: str | None, env: Mapping[str, str] = os.environ) -> str:
    """--lang on the command line, else AIFOOTPRINT_LANG, else the system's language
    (config.json is not read: --home, which says where it is, may follow --help)."""
    env_lang = env.get("AIFOOTPRINT_LANG")
    return asked or (env_lang if env_lang in LANGS else None) or system_lang(env)


def help_key(path: str, name: str) -> str:
    """The catalogue key of option `name` of the command at `path` ("class join")."""
    group = path.rsplit(" ", 1)[0] if " " in path else None
    return next((key for key in (f"{path}:{name}", f"{group}.*:{name}", f"*:{name}")
                 if key in HELP.messages), f"{path}:{name}")


def catalogue_help(key: str, lang: str, declared: str | None) -> str | None:
    """The catalogue's text; a command not in it yet keeps the help it declares (English),
    which tests/test_cli_help.py then reports, rather than --help failing."""
    return HELP.template(key, lang) if key in HELP.messages else declared


# click's own words in usage lines and option lists: metavars and the [required] and
# [default: ...] marks (texts.json cli_help word_*).
CLICK_WORDS = re.compile(
    r"\b(OPTIONS|COMMAND|ARGS|TEXT|INTEGER|FLOAT|DIRECTORY|FILE|required|default)\b")


class HelpFormatter(click.HelpFormatter):
    """click's formatter with the headings and click's own words in the help language."""

    def __init__(self, lang: str, **kwargs):
        super().__init__(**kwargs)
        self.lang = lang

    def said(self, text: str) -> str:
        return CLICK_WORDS.sub(lambda word: HELP(f"word_{word[0]}", self.lang), text)

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, self.said(args),
                            prefix or f"{HELP('heading_usage', self.lang)} ")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(self.said(term), self.said(text)) for term, text in rows],
                         col_max, col_spacing)

    def section(self, name: str):
        heading = {"Options": "heading_options", "Commands": "heading_commands"}.get(name)
        return super().section(HELP(heading, self.lang) if heading else name)


class HelpContext(click.Context):
    """A context whose help and usage come from the catalogue in the help language."""

    @property
    def help_lang(self) -> str:
        """The root command keeps the --lang it was started with (FootprintGroup.main)."""
        return help_lang(getattr(self.find_root().command, "asked_lang", None))

    def make_formatter(self) -> click.HelpFormatter:
        self.command_help_in(self.help_lang)
        return HelpFormatter(self.help_lang, width=self.terminal_width,
                             max_width=self.max_content_width)

    def command_help_in(self, lang: str) -> None:
        """Set the help texts of this context's command (and its subcommands' short help)."""
        command, path = self.command, command_path(self) or "main"
        command.help = catalogue_help(path, lang, command.help)
        command.epilog = catalogue_help(f"{path}.epilog", lang, command.epilog)
        for param in (*command.params, command.get_help_option(self)):
            if isinstance(param, click.Option):
                param.help = catalogue_help(help_key(path, param.name or ""), lang, param.help)
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                sub.help = catalogue_help(f"{path} {name}".removeprefix("main "), lang, sub.help)


def command_path(ctx: click.Context) -> str:
    """ "class join" for `aifootprint class join`; "" for the group itself."""
    names = []
    while ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(reversed(names))


def every_command(command: click.Command, path: str = "") -> Iterator[tuple[str, click.Command]]:
    """(path, command) for a group and everything under it."""
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from every_command(sub, f"{path} {name}".strip())


def use_catalogue_help(group: click.Group) -> None:
    """Give every command under `group` the HelpContext."""
    for _, command in every_command(group):
        command.context_class = HelpContext


def show_usage_error(error: click.UsageError, lang: str) -> None:
    """click's usage error (unknown or missing option, bad value) as click shows it (usage
    line, hint, error line), in `lang`: click's own sentences come from gettext."""
    if error.ctx is not None:
        hint = HELP("try_help", lang, command=error.ctx.command_path)
        click.echo(f"{error.ctx.get_usage()}\n{hint}\n", err=True)
    click.echo(f"{COMMON('error', lang)}: {usage_error_text(error, lang)}", err=True)


def usage_error_text(error: click.UsageError, lang: str) -> str:
    param = getattr(error, "param", None)
    name = param.get_error_hint(error.ctx) if param is not None and error.ctx else ""
    if isinstance(error, click.NoSuchOption):
        return HELP("no_such_option", lang, name=error.option_name)
    if isinstance(error, click.MissingParameter):
        return HELP("missing_option", lang, name=name)
    if isinstance(error, click.BadParameter):  # the detail is the type's, in English
        return HELP("bad_value", lang, name=name, detail=error.message.rstrip("."))
    return error.format_message()  # ours, already in the user's language
