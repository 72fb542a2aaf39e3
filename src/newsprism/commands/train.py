"""`newsprism train NAME [ARGS...]`: rebuild a shipped model head from the public data.

Each head has its own seeded training module (`python -m newsprism.train.NAME` does the same);
this group only forwards the arguments and reports the wall and CPU time it took.
"""

from __future__ import annotations

import importlib
import sys
import time

import click

from newsprism.commands.common import err_console

HEADS = {
    "attributions": "PolNeAR attribution tagger (source, cue, content).",
    "ner": "CoNLL-2003 entity tagger.",
    "checkworthy": "ClaimBuster check-worthiness head on MiniLM sentence vectors.",
    "comments": "Hate and abuse flags for reader comments (Davidson, HateXplain).",
    "trust": "Trust calibration, fitted leave-outlets-out on FA-KES.",
}


def _run_module(name: str, args: tuple[str, ...]) -> None:
    """Call `newsprism.train.<name>.main` as if run with `python -m` and these arguments."""
    module = importlib.import_module(f"newsprism.train.{name}")
    saved = sys.argv
    sys.argv = [f"newsprism train {name}", *args]
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        module.main()
    finally:
        sys.argv = saved
    err_console.print(
        f"train {name}: {time.perf_counter() - wall:.1f}s wall, "
        f"{time.process_time() - cpu:.1f}s CPU (this process)",
        markup=False,
    )


def _command(name: str, help_text: str) -> click.Command:
    """A subcommand forwarding its arguments to the training module."""

    @click.command(
        name,
        help=f"{help_text} Arguments go to `python -m newsprism.train.{name}` (--help there).",
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
        add_help_option=False,
    )
    @click.argument("args", nargs=-1, type=click.UNPROCESSED)
    def command(args: tuple[str, ...]) -> None:
        _run_module(name, args)

    return command


@click.group("train")
def train() -> None:
    """Rebuild the shipped model heads from ../shared/data (seeded, reproducible)."""


for _name, _help in HEADS.items():
    train.add_command(_command(_name, _help))
