"""Near-duplicates (MinHash LSH), republications (credit lines) and independent sources."""

from __future__ import annotations

from corpus.corpus_docs import WIRE, make_doc
from newsprism.config import CorpusOptions
from newsprism.corpus.articles import fold_name, make_article
from newsprism.corpus.dedup import (
    DuplicateLink,
    UnionFind,
    independent_sources,
    merge_links,
    near_duplicates,
    republications,
    shingles,
    text_groups,
)

OTHER = (
    "The ministry said its aircraft carried out 22 sorties over the province and struck 31 "
    "targets, including a command post and two ammunition depots. It denied reports of "
    "civilian casualties and said residential areas were not targeted by any of its pilots."
)


def test_shingles_are_lowercased_word_grams() -> None:
    assert shingles("A b C d", 2) == {b"a b", b"b c", b"c d"}
    assert shingles("short", 5) == {b"short"}
    assert shingles("", 5) == set()


def test_copy_with_a_credit_line_is_a_near_duplicate_and_a_republication() -> None:
    original = make_article(make_doc("wire", WIRE, "Meridian Press", "2015-10-09T10:00:00"))
    copy = make_article(
        make_doc(
            "copy",
            WIRE + "\n\nThis report was provided by the Meridian Press.",
            "Northgate Courier",
            "2015-10-09T12:00:00",
        )
    )
    other = make_article(make_doc("mod", OTHER, "Ministry", "2015-10-10"))
    articles = [copy, original, other]
    options = CorpusOptions()
    near = near_duplicates(articles, options)
    assert [(k.doc_id, k.original_id, k.kind) for k in near] == [("copy", "wire", "near_duplicate")]
    assert near[0].similarity is not None and near[0].similarity >= 0.8
    assert copy.credit == "meridian press"
    repub = republications(articles)
    assert [(k.doc_id, k.original_id, k.kind) for k in repub] == [("copy", "wire", "republication")]
    merged = merge_links(near + repub)
    assert len(merged) == 1 and merged[0].kind == "republication"
    assert merged[0].similarity == near[0].similarity
    sources = independent_sources(articles, merged)
    assert sources["copy"] == sources["wire"] == "meridian press"
    assert sources["mod"] == "ministry"


LOCAL = (
    "Residents of the northern districts have fled toward the border for three weeks now, and "
    "aid groups say the camps there lack tents, clean water and medicine for the winter. The "
    "provincial governor asked donors on Thursday for an emergency convoy of fuel and flour, "
    "saying the roads from the coast were cut by fighting near the river crossing."
)


def test_a_wire_report_wrapped_in_local_paragraphs_is_a_near_duplicate() -> None:
    """An outlet that runs a wire report under paragraphs of its own shares little of the
    combined text (Jaccard under 0.7), yet the whole report is in it: one text, one source."""
    wire = make_article(make_doc("wire", WIRE, "Meridian Press", "2015-10-09T10:00:00"))
    carried = make_article(
        make_doc("carried", LOCAL + "\n\n" + WIRE, "Northgate Courier", "2015-10-12")
    )
    quoting = make_article(
        make_doc(
            "quoting",
            OTHER + " Airstrikes on the town of Kessen killed at least 14 civilians on Friday.",
            "Valley Times",
            "2015-10-10",
        )
    )
    options = CorpusOptions()
    grams = [shingles(a.body_text, options.shingle_words) for a in (wire, carried)]
    assert len(grams[0] & grams[1]) / len(grams[0] | grams[1]) < options.duplicate_jaccard
    near = near_duplicates([carried, quoting, wire], options)
    assert [(k.doc_id, k.original_id) for k in near] == [("carried", "wire")]
    assert "of the shorter body in the other" in near[0].evidence
    assert near[0].similarity is not None and near[0].similarity < options.duplicate_jaccard
    # A body under `duplicate_min_shingles` is judged by the Jaccard alone.
    strict = CorpusOptions(duplicate_min_shingles=10_000)
    assert near_duplicates([carried, quoting, wire], strict) == []


def test_credit_to_an_outlet_outside_the_corpus_counts_as_that_outlet() -> None:
    blog = make_article(
        make_doc("blog", OTHER + "\n\nOriginally published: Stephen Lendman (Blog)", None)
    )
    other = make_article(make_doc("x", WIRE, "Another Outlet"))
    assert blog.credit == fold_name("Stephen Lendman (Blog)")
    assert republications([blog, other]) == []
    sources = independent_sources([blog, other], [])
    assert sources == {"blog": "stephen lendman blog", "x": "another outlet"}


def test_self_credit_is_no_republication() -> None:
    doc = make_doc("own", OTHER + "\n\nOriginally published at The Iron Truth.", "The Iron Truth")
    article = make_article(doc)
    assert article.credit == article.source == "iron truth"
    assert republications([article]) == []


def test_union_find_groups() -> None:
    groups = UnionFind(["a", "b", "c", "d"])
    groups.union("a", "b")
    groups.union("c", "b")
    assert groups.find("a") == groups.find("c") != groups.find("d")
    assert sorted(len(m) for m in groups.groups().values()) == [1, 3]


def test_text_groups_join_chains_of_copies_and_list_only_linked_documents() -> None:
    links = [
        DuplicateLink("copy1", "wire", "near_duplicate", 0.9, "body shingles"),
        DuplicateLink("copy2", "copy1", "republication", None, "credit"),
        DuplicateLink("b2", "b1", "near_duplicate", 0.8, "body shingles"),
    ]
    groups = text_groups(links)
    assert groups["wire"] == groups["copy1"] == groups["copy2"] == "copy1"
    assert groups["b1"] == groups["b2"] == "b1"
    assert "alone" not in groups
