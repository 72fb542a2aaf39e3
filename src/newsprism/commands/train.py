"""`newsprism train NAME [ARGS...]`: rebuild a shipped model head from the public data.

Each head has its own seeded training module (`python -m newsprism.train.NAME` does the same);
this group only forwards the arguments and reports the wall and CPU time it took.
"""

from __future__ import annotations

import importlib
import subprocess
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


ENCODER_ORDER = ("ner", "attributions", "checkworthy", "trust")
"""The heads that read the shared encoder (or, trust, documents analysed with it), retrained
after the propaganda step (which, with --tune-encoder, changes the encoder they read)."""


@click.command("all")
@click.option(
    "--skip-propaganda",
    is_flag=True,
    help="Keep the shipped encoder (and delta) and propaganda heads; retrain only the others.",
)
@click.option(
    "--tune-encoder",
    is_flag=True,
    help="Fine-tune the shared encoder with the propaganda heads first (writes its delta).",
)
def train_all(skip_propaganda: bool, tune_encoder: bool) -> None:
    """Retrain every model in the only order that works: the propaganda heads (with
    --tune-encoder, the encoder delta with them), the ONNX export, then every head that reads
    the encoder, then comment flags.

    Each step runs in a fresh process, so it loads the encoder the previous step wrote. About
    1-2 hours on 2 cores (README: Retraining the models).
    """
    steps: list[tuple[str, list[str]]] = []
    if not skip_propaganda:
        command = ["-m", "newsprism", "train", "propaganda"]
        steps.append(("propaganda", command + (["--tune-encoder"] if tune_encoder else [])))
    steps.append(("models prepare", ["-m", "newsprism", "models", "prepare"]))
    steps += [(name, ["-m", f"newsprism.train.{name}"]) for name in ENCODER_ORDER]
    steps.append(("comments", ["-m", "newsprism.train.comments"]))
    started = time.perf_counter()
    for name, args in steps:
        err_console.print(f"train all: {name}", markup=False)
        step = time.perf_counter()
        if subprocess.run([sys.executable, *args], check=False).returncode != 0:
            raise click.ClickException(f"{name} failed; the steps before it were written")
        err_console.print(
            f"train all: {name} done in {time.perf_counter() - step:.0f}s", markup=False
        )
    err_console.print(f"train all: {time.perf_counter() - started:.0f}s in all", markup=False)


train.add_command(train_all)
