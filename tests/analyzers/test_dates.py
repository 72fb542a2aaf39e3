"""Date candidates resolved against the publication date (seed sentences, hostile strings)."""

from __future__ import annotations

from datetime import date

from newsprism.analyzers.dates import find_dates, parse_published

PUBLISHED = date(2015, 11, 3)  # seed 000 was published early November 2015 (a Tuesday)


def _iso(text: str, published: date | None = PUBLISHED) -> list[str | None]:
    return [d.iso for d in find_dates(text, published)]


def test_seed_000_expressions() -> None:
    assert _iso("On Sunday, Fars News said") == ["2015-11-01"]
    assert _iso("On Monday, Defense Ministry spokesman") == ["2015-11-02"]
    assert _iso("since September 30.") == ["2015-09-30/2015-11-03"]
    assert _iso("An October 31 photo of Sarmin hospital") == ["2015-10-31"]
    assert _iso("In the last two days alone, 131 sorties") == ["2015-11-02/2015-11-03"]


def test_weekday_on_publication_day_and_day_before() -> None:
    saturday = date(2015, 10, 3)
    assert _iso("18 airstrikes on Friday", saturday) == ["2015-10-02"]
    assert _iso("on Saturday", saturday) == ["2015-10-03"]
    assert _iso("since yesterday which led", saturday) == ["2015-10-02/2015-10-03"]


def test_unknown_publication_date_leaves_relative_dates_unresolved() -> None:
    assert _iso("On Friday and since September 30 and yesterday", None) == [None, None, None]
    assert _iso("on 5 October 2015", None) == ["2015-10-05"]


def test_percentages_and_years_are_not_dates() -> None:
    assert _iso("at least 72% of Syrians") == []
    assert _iso("in 2015 and 1972") == []


def test_parse_published_variants() -> None:
    assert parse_published("2015-10-03T10:00:00Z") == date(2015, 10, 3)
    assert parse_published("2015-10-03") == date(2015, 10, 3)
    assert parse_published("") is None
    assert parse_published(None) is None
    assert parse_published("not a date at all") is None


def test_page_stamps_under_a_headline_and_with_a_stripped_comma() -> None:
    from newsprism.analyzers.dates import page_date

    # An agency's credit and weekday under the headline stamp the page, not the metadata's
    # date two days off: "on Saturday" is the stamp's Saturday.
    text = (
        "Russia strikes kill 120 IS group fighters in Syria Moscow AFP Saturday 7 Oct 2017 "
        "Russian strikes killed 120 fighters on Saturday, the ministry said."
    )
    assert page_date(text, date(2017, 10, 5)) == date(2017, 10, 7)
    # "Last updated at Apr 15, 2017" with the comma stripped: the digits run together.
    glued = "Last updated at Apr 152017 A suicide car bomb killed 43 people on Saturday."
    assert page_date(glued, date(2017, 4, 13)) == date(2017, 4, 15)
    assert _iso("Last updated at Apr 152017", date(2017, 4, 13)) == ["2017-04-15"]
    # A weekday and date in running text far from any credit is no stamp.
    prose = "The talks were held on Saturday 7 Oct 2017 in Astana and ended without a deal."
    assert page_date(prose, date(2017, 10, 5)) == date(2017, 10, 5)


def test_a_wire_datelines_date_is_the_filing_day_the_weekday_counts_back_from() -> None:
    from newsprism.analyzers.dates import find_dates, is_stamp, page_date

    # 1 October 2015 was a Thursday: "on Wednesday" is 30 September, and "Oct 1" dates the copy,
    # not the strikes.
    text = (
        "Russian air strikes kill 36 civilians, opposition says\n\nBy Staff Reporter\n\n"
        "BEIRUT, Oct 1 (Reuters) - Russian warplanes carried out their first air strikes in Syria "
        "on Wednesday."
    )
    dates = find_dates(text, page_date(text, date(2015, 10, 2)))
    assert [(d.text, d.iso, is_stamp(text, d)) for d in dates] == [
        ("Oct 1", "2015-10-01", True),
        ("Wednesday", "2015-09-30", False),
    ]
    assert page_date(text, date(2015, 10, 3)) == date(2015, 10, 1)
    for line in (
        "MOSCOW, September 30 - Russian jets",
        "RAS AL-AIN, Syria, Oct. 7 (AP) — A",
        "MOSCOW, October 1. /TASS/. Russian jets",
    ):
        assert is_stamp(line, find_dates(line, date(2015, 10, 9))[0])
    # A capitalised word and a date in running text, or a date without the dateline's dash,
    # is no dateline.
    for prose in ("He said in BEIRUT, Oct 1 - that", "ISIS, Oct 1, 2015 was a turning point"):
        assert not is_stamp(prose, find_dates(prose, date(2015, 10, 9))[0])


def test_days_and_weeks_ago_count_back_from_publication() -> None:
    published = date(2015, 10, 8)
    assert _iso("Russia fired the missiles two days ago", published) == ["2015-10-06"]
    assert _iso("a week ago", published) == ["2015-10-01"]
    assert _iso("a few days ago", published) == [None]
    assert _iso("an hour ago", published) == []


def test_the_past_hours_reach_back_into_the_day_before() -> None:
    # Monday's briefing on "the past 24 hours" covers Sunday's strikes too.
    monday = date(2015, 10, 12)
    assert _iso("over the past 24 hours", monday) == ["2015-10-11/2015-10-12"]
    assert _iso("in the last 48 hours", monday) == ["2015-10-10/2015-10-12"]
