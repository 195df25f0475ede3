"""Redline HTML: escaping, folded unchanged stretches, moves linked both ways, tables."""

import pytest
from lxml import html
from markupsafe import Markup

from documents.blocks import Block, BlockKind, new_block_id, renumber
from documents.compare import compare
from documents.redline_html import render_inline, render_side_by_side, render_summary
from models import errors

HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)> "quoted" \'single\''


def clause(text: str, block_id: str | None = None) -> Block:
    return Block(block_id or new_block_id(), BlockKind.LIST_ITEM, text, number_format="decimal")


def long_policy(n: int = 300) -> list[Block]:
    return renumber([clause(f"Clause {k} says what collectors do in case {k}.", f"c{k}")
                     for k in range(n)])


def parse(markup: Markup):
    return html.fragment_fromstring(str(markup), create_parent="div")


def text_of(tree, xpath: str) -> list[str]:
    return [" ".join(e.text_content().split()) for e in tree.xpath(xpath)]


@pytest.mark.parametrize("render", [render_inline, render_side_by_side])
def test_hostile_text_is_escaped_everywhere(render):
    old = [Block("h", BlockKind.HEADING, "Scope", level=1), clause("Plain clause.", "a"),
           Block("t", BlockKind.TABLE, cells=(("Group", "Action"), ("1", "Call")))]
    new = [Block("h", BlockKind.HEADING, "Scope " + HOSTILE, level=1),
           clause("Plain clause " + HOSTILE, "a"), clause(HOSTILE),
           Block("t", BlockKind.TABLE, cells=(("Group", "Action"), ("1", HOSTILE)))]
    out = str(render(compare(old, new)))
    assert "<script" not in out and "<img" not in out and "onerror=alert(1)>" not in out
    tree = parse(Markup(out))
    assert not tree.xpath("//script | //img | //*[@onerror]")
    # The words are all there, as text: in the heading, both clauses and the table cell.
    assert tree.text_content().count('<script>alert("x")</script>') >= 4


def test_renumbered_clause_number_is_escaped():
    old = [Block("a", BlockKind.LIST_ITEM, "Text.", number="<b>1</b>")]
    new = [Block("a", BlockKind.LIST_ITEM, "Text.", number="2.")]
    out = str(render_inline(compare(old, new)))
    assert "<b>1</b>" not in out and "&lt;b&gt;1&lt;/b&gt;" in out


def test_three_changes_in_300_clauses_fold_the_rest():
    old = long_policy()
    new = list(old)
    for k in (10, 150, 290):
        new[k] = clause(old[k].text.replace("collectors", "agents"), old[k].id)
    new = renumber(new)
    tree = parse(render_inline(compare(old, new), context=2))
    folds = tree.xpath("//details[@class='rl-fold']")
    assert len(folds) == 4
    assert text_of(tree, "//details/summary") == [
        "8 unchanged clauses", "135 unchanged clauses", "135 unchanged clauses",
        "7 unchanged clauses"]
    shown = tree.xpath("//div[contains(@class, 'rl-block')][not(ancestor::details)]")
    assert len(shown) == 3 + 2 * 2 * 3  # each change with 2 clauses before and after it
    assert len(tree.xpath("//div[contains(@class, 'rl-block')]")) == 300  # all kept, folded
    assert text_of(tree, "//div[contains(@class, 'rl-block')]//del") == ["deleted: collectors"] * 3
    assert text_of(tree, "//div[contains(@class, 'rl-block')]//ins") == ["inserted: agents"] * 3


def test_stretch_no_longer_than_twice_the_context_is_not_folded():
    old = long_policy(9)
    new = list(old)
    for k in (2, 7):  # four unchanged clauses between the two changes
        new[k] = clause("Rewritten clause.", old[k].id)
    redline = compare(old, new)
    assert not parse(render_inline(redline, context=2)).xpath("//details[.//*[@id='rl-inline-4']]")
    assert parse(render_inline(redline, context=1)).xpath("//details[.//*[@id='rl-inline-4']]")


def test_identical_versions_say_so_and_fold_everything():
    blocks = long_policy(20)
    tree = parse(render_side_by_side(compare(blocks, blocks)))
    assert text_of(tree, "//p[@class='rl-counts']") == ["No differences between the two versions."]
    assert text_of(tree, "//details/summary") == ["20 unchanged clauses"]


def test_moves_link_both_places_in_both_views():
    old = long_policy(12)
    new = renumber([*old[:2], *old[3:11], old[2], old[11]])
    redline = compare(old, new)
    for render, prefix in ((render_inline, "rl-inline"), (render_side_by_side, "rl-sbs")):
        tree = parse(render(redline, context=1))
        source = tree.xpath("//*[contains(@class, 'rl-moved_from')]")[0]
        target = tree.xpath("//*[contains(@class, 'rl-moved_to')]")[0]
        there = source.xpath(".//a[@class='rl-move-link']")[0]
        back = target.xpath(".//a[@class='rl-move-link']")[0]
        assert there.get("href") == "#" + target.get("id")
        assert back.get("href") == "#" + source.get("id")
        assert target.get("id").startswith(prefix)
        assert "Moved to clause 11" in there.text_content()
        assert "Moved here from clause 3" in back.text_content()
        blocks = "//*[contains(@class, 'rl-block') or contains(@class, 'rl-row')]"
        assert not tree.xpath(f"{blocks}//ins | {blocks}//del[not(@class='rl-num-old')]")
    assert text_of(parse(render_summary(redline)), "//p") == [
        "0 words inserted, 0 deleted, 1 clause moved, 8 clauses renumbered"]


def test_side_by_side_rows_have_two_columns_level_with_each_other():
    old = [clause("Kept clause.", "k"), clause("Removed clause.", "r"),
           clause("Edited clause.", "e")]
    new = [clause("Kept clause.", "k"), clause("Edited clause, now longer.", "e"),
           clause("Added clause.", "n")]
    tree = parse(render_side_by_side(compare(renumber(old), renumber(new)), context=5))
    rows = tree.xpath("//div[contains(@class, 'rl-row')][not(contains(@class, 'rl-head'))]")
    assert [r.get("class").split()[1] for r in rows] == ["rl-equal", "rl-deleted", "rl-changed",
                                                         "rl-inserted"]
    assert all(len(r.xpath("./div[contains(@class, 'rl-side')]")) == 2 for r in rows)
    deleted, changed, inserted = rows[1:]
    assert deleted.xpath("./div[contains(@class, 'rl-side-new')][contains(@class, 'rl-empty')]")
    assert inserted.xpath("./div[contains(@class, 'rl-side-old')][contains(@class, 'rl-empty')]")
    # The old column shows deletions only, the new column insertions only.
    assert changed.xpath("./div[contains(@class, 'rl-side-old')]//ins") == []
    assert text_of(changed, "./div[contains(@class, 'rl-side-new')]//ins") == [
        "inserted: , now longer"]


def test_table_cells_are_marked_one_by_one():
    old = [Block("t", BlockKind.TABLE, cells=(("Group", "Action"), ("1", "Call"),
                                              ("2", "Letter")))]
    new = [Block("t", BlockKind.TABLE, cells=(("Group", "Action"), ("1", "Call and SMS"),
                                              ("3", "Legal"), ("2", "Letter")))]
    redline = compare(old, new)
    inline = parse(render_inline(redline))
    assert len(inline.xpath("//table//tr")) == 4
    assert text_of(inline, "//tr[@class='rl-row-changed']//ins") == ["inserted: and SMS"]
    assert len(inline.xpath("//tr[@class='rl-row-inserted']/td/ins")) == 2
    assert text_of(inline, "//tr[1]/th") == ["Group", "Action"]
    side = parse(render_side_by_side(redline))
    old_rows = side.xpath("//div[contains(@class, 'rl-side-old')]//tr")
    new_rows = side.xpath("//div[contains(@class, 'rl-side-new')]//tr")
    assert len(old_rows) == len(new_rows) == 4  # a placeholder keeps the rows level
    assert old_rows[2].get("class") == "rl-row-placeholder"


def test_headings_stay_headings_in_the_inline_view():
    old = [Block("h", BlockKind.HEADING, "Contact rules", level=1)]
    new = [Block("h", BlockKind.HEADING, "Contact and visit rules", level=1)]
    tree = parse(render_inline(compare(old, new)))
    assert text_of(tree, "//h2") == ["Contact inserted: and visit rules"]


def test_labels_go_through_the_domain_translator(monkeypatch):
    monkeypatch.setattr(errors, "_translate", lambda s: "«" + s + "»")
    old, new = [clause("A.", "a")], [clause("A. B.", "a")]
    out = parse(render_inline(compare(old, new)))
    assert text_of(out, "//p[@class='rl-counts']") == [
        "«1 word inserted», «0 deleted», «1 clause changed»"]
    assert out.xpath("//ins[@title='«inserted»']")


def test_id_prefix_must_be_a_plain_html_id():
    with pytest.raises(ValueError):
        render_inline(compare([], []), id_prefix='x" onclick="alert(1)')
    assert 'id="v2-0"' in str(render_inline(compare([clause("A.")], [clause("B.")]),
                                            id_prefix="v2"))
