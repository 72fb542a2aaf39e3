"""Commands for persuasion techniques: `propaganda detect|label`, `eval ptc`, `train propaganda`."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from newsprism.commands.common import emit_json, err_console, fail, get_config
from newsprism.config import data_dir
from newsprism.errors import Code, NewsprismError, ReadFailure
from newsprism.wording import counted

if TYPE_CHECKING:
    from newsprism.exports.semeval import SemevalRow


def _write_rows(rows: Iterable[SemevalRow], output: str) -> int:
    """SemEval TC lines to a file or stdout, as they come; returns how many."""
    from newsprism.exports.semeval import write_semeval

    if output == "-":
        count = write_semeval(rows, sys.stdout)
    else:
        with open(output, "w", encoding="utf-8", newline="\n") as stream:
            count = write_semeval(rows, stream)
    err_console.print(f"wrote {counted(count, 'span')} to {output}", markup=False)
    return count


class _Skipped:
    """Prints each thing a batch skips (its coded error: an unreadable article, a bad template
    row) and counts them."""

    def __init__(self) -> None:
        self.count = 0
        self.sources: set[str] = set()

    def __call__(self, failure: ReadFailure) -> None:
        self.count += 1
        self.sources.add(failure.source)
        err_console.print(failure.message, markup=False, highlight=False)

    def report(self, paths: Sequence[str]) -> None:
        """The closing line; exit 1 (E403) when no article could be read."""
        if not self.count:
            return
        err_console.print(
            f"{self.count} skipped (see the errors above); everything else was written",
            markup=False,
        )
        if {str(Path(p)) for p in paths} <= self.sources:
            fail(NewsprismError(Code.NOTHING_READABLE, ", ".join(paths)), exit_code=1)


ptc_option = click.option(
    "--ptc",
    "ptc_dir",
    default=None,
    type=click.Path(exists=True, file_okay=False),
    help="The ptc/ folder (default: $NEWSPRISM_DATA/ptc).",
)


def _ptc_path(ptc_dir: str | None) -> Path:
    """The PTC folder given by `--ptc`, else the public data's."""
    return Path(ptc_dir) if ptc_dir else data_dir() / "ptc"


@click.group("propaganda")
def propaganda() -> None:
    """The 14 PTC persuasion techniques in SemEval-2020 Task 11 formats."""


@propaganda.command("detect")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", default="-", show_default=True, help="TC file (- = stdout).")
@click.pass_context
def detect(ctx: click.Context, paths: tuple[str, ...], output: str) -> None:
    """Spans and techniques: `article_id<TAB>technique<TAB>start<TAB>end` per predicted span."""
    from newsprism.exports.semeval import detect_files

    skipped = _Skipped()
    _write_rows(detect_files([Path(p) for p in paths], get_config(ctx), skipped), output)
    skipped.report(paths)


@propaganda.command("label")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--spans",
    "template",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="SemEval TC template: id<TAB>?<TAB>start<TAB>end per line.",
)
@click.option("-o", "--output", default="-", show_default=True, help="TC file (- = stdout).")
@click.pass_context
def label(ctx: click.Context, paths: tuple[str, ...], template: str, output: str) -> None:
    """Fill the technique column of a template, one technique per line, in its order."""
    from newsprism.exports.semeval import label_files

    skipped = _Skipped()
    rows = label_files([Path(p) for p in paths], Path(template), get_config(ctx), skipped)
    _write_rows(rows, output)
    skipped.report(paths)


@click.command("ptc")
@click.option("--folds", default=5, show_default=True, type=click.IntRange(2, 20))
@ptc_option
@click.option(
    "--limit",
    default=None,
    type=click.IntRange(1),
    help="Use only the first N articles (a quick check, not the reported score).",
)
@click.option("--json", "as_json", is_flag=True)
@click.option(
    "--tune-encoder",
    is_flag=True,
    help="Cross-validate the fine-tuning recipe (the encoder tuned per fold, ~40 min a fold).",
)
def eval_ptc(
    folds: int, ptc_dir: str | None, limit: int | None, as_json: bool, tune_encoder: bool
) -> None:
    """Article-level cross-validation on PTC train: SI P/R/F1, TC micro-F1, per technique.

    Each fold trains the heads on the other folds (torch, the `train` extra): expect about
    13 CPU-minutes per fold (five tagger members) once PTC is encoded (about 8 minutes the
    first time, then cached).
    """
    from newsprism.evaluate.ptc import eval_ptc as run_eval

    scores = run_eval(
        folds=folds,
        ptc_dir=_ptc_path(ptc_dir),
        limit=limit,
        tune_encoder=tune_encoder,
        log=lambda line: err_console.print(line, markup=False),
    )
    data = scores.to_dict()
    if as_json:
        emit_json(data)
        return
    si = scores.si_mean
    click.echo(
        f"SI  P {si.precision:.3f}  R {si.recall:.3f}  F1 {si.f1:.3f}  (mean of {folds} folds)"
    )
    click.echo(f"TC  micro-F1 {data['tc_mean_micro_f1']:.3f}")
    per_technique = data["per_technique"]
    if isinstance(per_technique, dict):
        for name, f1 in sorted(per_technique.items(), key=lambda kv: -float(kv[1])):
            click.echo(f"    {name:<38} {float(f1):.3f}")


@click.command("propaganda")
@ptc_option
@click.option(
    "--out",
    "out_dir",
    default=None,
    type=click.Path(file_okay=False),
    help="Where to write the heads (default: the packaged heads folder).",
)
@click.option("--seed", default=13, show_default=True)
@click.option(
    "--tune-encoder",
    is_flag=True,
    help="Fine-tune the shared encoder with both heads and write its int8 delta too (then "
    "retrain every other head: newsprism train all --skip-propaganda).",
)
@click.option(
    "--tc-only",
    is_flag=True,
    help="Keep the SI head already in the output folder and retrain only the TC head (minutes "
    "instead of most of an hour; the TC head is the one a full run with the same seed trains).",
)
@click.option(
    "--hold-out-gate",
    is_flag=True,
    help="Keep the 31 gate articles (every 12th by id) out of training, as the CI gate's "
    "held-out run does; the shipped heads learn from all 371.",
)
def train_propaganda(
    ptc_dir: str | None,
    out_dir: str | None,
    seed: int,
    tune_encoder: bool,
    tc_only: bool,
    hold_out_gate: bool,
) -> None:
    """Rebuild the SI and TC heads from PTC train (torch==2.13.0, the `train` extra)."""
    heads = Path(__file__).resolve().parents[1] / "models" / "heads"
    target = Path(out_dir) if out_dir else heads
    if tune_encoder:
        if tc_only:
            raise click.UsageError("--tc-only keeps the SI head; --tune-encoder retrains both")
        _train_tuned(ptc_dir, target, seed, hold_out_gate)
        return
    from newsprism.train.propaganda import train_propaganda as run_train

    report = run_train(
        _ptc_path(ptc_dir),
        target,
        seed=seed,
        log=lambda line: err_console.print(line, markup=False),
        hold_out_gate=hold_out_gate,
        reuse_si=target if tc_only else None,
    )
    err_console.print(
        f"train propaganda: {report.articles} articles, {report.spans} spans; "
        f"validation SI F1 {report.validation_si_f1:.3f}, TC {report.validation_tc_f1:.3f}; "
        f"{report.wall_s:.0f}s wall, {report.cpu_s:.0f}s CPU; heads {report.si_path}, "
        f"{report.tc_path}",
        markup=False,
    )


def _train_tuned(ptc_dir: str | None, out_dir: Path, seed: int, hold_out_gate: bool) -> None:
    from newsprism.train.propaganda_tuned import train_tuned_propaganda

    report = train_tuned_propaganda(
        _ptc_path(ptc_dir),
        out_dir,
        seed=seed,
        log=lambda line: err_console.print(line, markup=False),
        hold_out_gate=hold_out_gate,
    )
    err_console.print(
        f"train propaganda: {report.articles} articles, {report.spans} spans; epoch "
        f"{report.epoch} kept; validation SI F1 {report.validation_si_f1:.3f} (O offset "
        f"{report.o_bias}), TC {report.validation_tc_f1:.3f}; {report.wall_s:.0f}s wall, "
        f"{report.cpu_s:.0f}s CPU; wrote {report.encoder_path}, {report.si_path}, "
        f"{report.tc_path} ({report.bytes / 1e6:.1f} MB). Now retrain the other heads on this "
        "encoder: newsprism train all --skip-propaganda",
        markup=False,
    )
