"""Source lists: domain normalisation, public list imports, lookups; unknown stays unknown."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.corpus.store import Store
from newsprism.errors import NewsprismError
from newsprism.trust.sources import candidates, import_list, lookup, normalise_domain, read_list


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://www.Example.com:443/a/b?x=1", "example.com"),
        ("m.bbc.co.uk", "bbc.co.uk"),
        ("someone.blogspot.co.uk", "someone.blogspot.com"),
        ("http://user@news.site.org/", "news.site.org"),
        ("", None),
        ("not a domain", None),
    ],
)
def test_normalise_domain(raw: str, expected: str | None) -> None:
    assert normalise_domain(raw) == expected


def test_candidates_stop_at_platforms() -> None:
    assert candidates("a.b.example.com") == ["a.b.example.com", "b.example.com", "example.com"]
    assert candidates("x.blogspot.com") == ["x.blogspot.com"]


def test_import_and_lookup(tmp_path: Path, shared_data: Path) -> None:
    db = tmp_path / "corpus.db"
    folder = shared_data / "sources"
    with Store(db) as store:
        os_report = import_list(
            store.connection, folder / "opensources" / "sources.csv", "opensources"
        )
        mbfc = import_list(
            store.connection, folder / "news_media_reliability" / "emnlp18" / "corpus.tsv", "mbfc"
        )
        web = import_list(
            store.connection, folder / "fakenewscorpus" / "websites.csv", "websites-csv"
        )
        assert os_report["domains"] > 800 and mbfc["domains"] > 1000 and web["domains"] > 800
        # Re-importing a list replaces it rather than adding duplicates.
        again = import_list(
            store.connection, folder / "opensources" / "sources.json", "opensources"
        )
        assert again["domains"] == os_report["domains"]
        fake = lookup(store.connection, "http://www.24newsflash.com/story")
        assert fake.value is not None and fake.value <= 0.2
        assert {(s.list, s.label) for s in fake.labels} >= {("opensources", "fake")}
        high = lookup(store.connection, "https://www.villagevoice.com/x")
        assert high.value == 0.85 and high.matched == "villagevoice.com"
        unknown = lookup(store.connection, "https://never-listed-outlet.example")
        assert unknown.value is None and unknown.reason == "in no imported list"
        assert lookup(store.connection, "news.google.com").value is None
    # The database stays a newsprism database (batch can still open it).
    with Store(db, readonly=True) as store:
        assert store.count() == 0


def test_bad_list_is_a_coded_error(tmp_path: Path) -> None:
    with pytest.raises(NewsprismError):
        read_list(tmp_path / "missing.csv", "opensources")
    bad = tmp_path / "x.json"
    bad.write_text("[1, 2", encoding="utf-8")
    with pytest.raises(NewsprismError):
        read_list(bad, "opensources")
    with pytest.raises(NewsprismError):
        read_list(bad, "nope")


def test_a_list_of_another_format_is_refused_not_imported_empty(
    tmp_path: Path, shared_data: Path
) -> None:
    websites = shared_data / "sources" / "fakenewscorpus" / "websites.csv"
    # The FakeNewsCorpus list read as MBFC (tab-separated, `fact` column) has none of its columns.
    with pytest.raises(NewsprismError) as info:
        read_list(websites, "mbfc")
    assert info.value.code.code == "E106" and "not a mbfc list" in str(info.value)
    other = tmp_path / "other.csv"
    other.write_text("domain,rating\nexample.com,low\n", encoding="utf-8")
    with pytest.raises(NewsprismError) as info:
        read_list(other, "websites-csv")
    assert "no url column" in str(info.value) and "other.csv" in str(info.value)


def test_lookup_without_lists_is_unknown() -> None:
    prior = lookup(None, "https://www.reuters.com/world")
    assert prior.value is None and prior.domain == "reuters.com"
