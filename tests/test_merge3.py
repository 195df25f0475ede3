"""Three-way merge of versions (rebasing a proposal): blocks, words, tables, moves, approvals."""

import random
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.doc_corpus import edit, policy
from documents.blocks import Block, BlockKind, renumber
from documents.merge3 import (
    ConflictKind,
    _house_numbered,
    _renumbered,
    merge3,
    merge_words,
    own_changes,
    own_changes_key,
    resolve,
)
from models.errors import ValidationError

POLICY = [
    "The collector must call the debtor between 8:00 and 20:00 on working days.",
    "Every call is recorded in the portal with its outcome.",
    "A promise to pay is confirmed in writing within two days.",
    "Accounts more than 90 days overdue are escalated to the legal team.",
    "Personal data is never disclosed to third parties.",
    "Complaints are answered within 15 working days.",
]


def clause(text: str, block_id: str, level: int = 0) -> Block:
    return Block(block_id, BlockKind.LIST_ITEM, text, level=level, number_format="decimal")


def doc(*blocks: Block) -> list[Block]:
    return renumber(blocks)


BASE = doc(*(clause(t, f"c{k}") for k, t in enumerate(POLICY)))


def edited(blocks: list[Block], **texts: str) -> list[Block]:
    """Return blocks with the texts of some clauses (by id) replaced."""
    return doc(*(replace(b, text=texts.get(b.id, b.text)) for b in blocks))


def without(blocks: list[Block], *ids: str) -> list[Block]:
    return doc(*(b for b in blocks if b.id not in ids))


def inserted(blocks: list[Block], at: int, *new: Block) -> list[Block]:
    return doc(*blocks[:at], *new, *blocks[at:])


def moved(blocks: list[Block], block_id: str, at: int) -> list[Block]:
    block = next(b for b in blocks if b.id == block_id)
    rest = [b for b in blocks if b.id != block_id]
    return doc(*rest[:at], block, *rest[at:])


def texts(blocks: list[Block]) -> list[str]:
    return [b.text for b in blocks]


def content(blocks: list[Block]) -> list[tuple]:
    """Return what a reader sees of each block: ids aside."""
    return [(b.kind, b.level, b.number, b.number_format, b.text, b.cells) for b in blocks]


# --- blocks ------------------------------------------------------------------------------------

def test_edits_in_different_clauses_merge_cleanly():
    ours = edited(BASE, c2=POLICY[2].replace("two", "three"))
    theirs = edited(BASE, c4=POLICY[4].replace("never", "not"))
    result = merge3(BASE, ours, theirs)
    assert result.clean
    assert texts(result.blocks) == [POLICY[0], POLICY[1], ours[2].text, POLICY[3],
                                    theirs[4].text, POLICY[5]]
    assert [b.id for b in result.blocks] == [b.id for b in BASE]


def test_edits_to_different_words_of_one_clause_merge_cleanly():
    ours = edited(BASE, c0=POLICY[0].replace("must call", "may call"))
    theirs = edited(BASE, c0=POLICY[0].replace("20:00 on working days", "21:00 on any day"))
    result = merge3(BASE, ours, theirs)
    assert result.clean
    assert result.blocks[0].text == ("The collector may call the debtor between 8:00 and 21:00 "
                                     "on any day.")


def test_the_same_edit_on_both_sides_is_taken_once():
    change = POLICY[3].replace("90", "60")
    result = merge3(BASE, edited(BASE, c3=change), edited(BASE, c3=change))
    assert result.clean and result.blocks[3].text == change


def test_the_same_words_changed_differently_conflict_with_our_text_in_place():
    ours = edited(BASE, c2=POLICY[2].replace("two", "three"))
    theirs = edited(BASE, c2=POLICY[2].replace("two", "five"))
    result = merge3(BASE, ours, theirs)
    assert not result.clean
    [conflict] = result.conflicts
    assert conflict.kind == ConflictKind.EDIT and conflict.block_id == "c2"
    assert (conflict.base.text, conflict.ours.text, conflict.theirs.text) == (
        POLICY[2], ours[2].text, theirs[2].text)
    assert result.blocks[conflict.position].text == ours[2].text
    assert result.blocks[conflict.position].id == "c2"
    assert texts(resolve(result, {"c2": "theirs"}))[2] == theirs[2].text
    assert texts(resolve(result, {"c2": "base"}))[2] == POLICY[2]
    own = replace(ours[2], text="A promise to pay is confirmed in writing within four days.")
    assert resolve(result, {"c2": own})[2].text == own.text


def test_deleted_clause_edited_on_the_other_side_conflicts():
    ours = without(BASE, "c3")
    theirs = edited(BASE, c3=POLICY[3].replace("legal team", "recovery agency"))
    result = merge3(BASE, ours, theirs)
    [conflict] = result.conflicts
    assert conflict.kind == ConflictKind.DELETE and conflict.ours is None
    assert conflict.theirs.text == theirs[3].text
    # Our version (no clause) is what the blocks hold until the author chooses.
    assert texts(result.blocks) == texts(ours)
    assert texts(resolve(result, {conflict.block_id: "ours"})) == texts(ours)
    kept = resolve(result, {conflict.block_id: "theirs"})
    assert texts(kept) == texts(theirs) and kept[3].number == "4."


def test_edited_clause_deleted_by_the_published_version_conflicts():
    ours = edited(BASE, c1=POLICY[1].replace("portal", "system"))
    result = merge3(BASE, ours, without(BASE, "c1"))
    [conflict] = result.conflicts
    assert conflict.kind == ConflictKind.DELETE and conflict.theirs is None
    assert result.blocks[conflict.position].text == ours[1].text
    assert texts(resolve(result, {"c1": "theirs"})) == texts(without(BASE, "c1"))


def test_clause_deleted_on_one_side_and_untouched_on_the_other_is_deleted():
    theirs = edited(BASE, c0=POLICY[0].replace("must", "shall"))
    result = merge3(BASE, without(BASE, "c5"), theirs)
    assert result.clean and texts(result.blocks) == [theirs[0].text, *POLICY[1:5]]


def test_clauses_inserted_at_the_same_place_are_both_kept_ours_first():
    ours = inserted(BASE, 2, clause("Calls on public holidays need the team lead's consent.",
                                    "n1"))
    theirs = inserted(BASE, 2, clause("Calls are never made to a debtor's employer.", "n2"))
    result = merge3(BASE, ours, theirs)
    assert result.clean
    assert texts(result.blocks)[2:4] == [ours[2].text, theirs[2].text]
    assert [b.number for b in result.blocks] == [f"{k}." for k in range(1, 9)]


def test_the_same_clause_inserted_by_both_sides_is_kept_once():
    new = "Calls are never made to a debtor's employer."
    result = merge3(BASE, inserted(BASE, 4, clause(new, "n1")),
                    inserted(BASE, 4, clause(new, "n2")))
    assert result.clean and texts(result.blocks).count(new) == 1


def test_moved_clause_edited_on_the_other_side_moves_with_the_edit():
    ours = moved(BASE, "c1", 4)
    theirs = edited(BASE, c1=POLICY[1].replace("outcome", "outcome and duration"))
    result = merge3(BASE, ours, theirs)
    assert result.clean
    assert [b.id for b in result.blocks] == [b.id for b in ours]
    assert result.blocks[4].text == theirs[1].text


def test_clause_edited_and_moved_by_the_proposal_keeps_published_edits_elsewhere():
    ours = moved(edited(BASE, c5=POLICY[5].replace("15", "10")), "c5", 0)
    theirs = edited(BASE, c5=POLICY[5].replace("answered", "resolved"),
                    c0=POLICY[0].replace("debtor", "customer"))
    result = merge3(BASE, ours, theirs)
    assert result.clean
    assert texts(result.blocks)[:2] == ["Complaints are resolved within 10 working days.",
                                        theirs[0].text]


def test_moved_clause_deleted_by_the_other_side_is_deleted_unless_edited():
    result = merge3(BASE, moved(BASE, "c4", 0), without(BASE, "c4"))
    assert result.clean and POLICY[4] not in texts(result.blocks)
    ours = moved(edited(BASE, c4=POLICY[4] + " Ever."), "c4", 0)
    result = merge3(BASE, ours, without(BASE, "c4"))
    assert [c.kind for c in result.conflicts] == [ConflictKind.DELETE]
    assert result.blocks[0].text == ours[0].text


def test_clause_numbers_are_recomputed_after_the_merge():
    ours = inserted(BASE, 0, clause("Scope: every collector of the bank.", "n1"))
    theirs = without(BASE, "c4")
    result = merge3(BASE, ours, theirs)
    assert result.renumbered
    assert [(b.number, b.id) for b in result.blocks] == [
        ("1.", "n1"), ("2.", "c0"), ("3.", "c1"), ("4.", "c2"), ("5.", "c3"), ("6.", "c5")]


def test_numbers_not_of_the_house_style_are_kept_from_the_side_that_changed_them():
    articles = [replace(b, number=f"Art. {k + 1}") for k, b in enumerate(BASE)]
    ours = [replace(b, number="Art. 2a") if b.id == "c1" else b for b in articles]
    theirs = [replace(b, text=b.text + " (amended)") if b.id == "c3" else b for b in articles]
    result = merge3(articles, ours, theirs)
    assert not result.renumbered
    assert [b.number for b in result.blocks][:4] == ["Art. 1", "Art. 2a", "Art. 3", "Art. 4"]
    assert result.blocks[3].text.endswith("(amended)")


def test_heading_level_and_words_changed_on_different_sides_merge():
    base = [Block("h", BlockKind.HEADING, "Contact rules", level=1), *BASE]
    ours = [replace(base[0], level=2), *base[1:]]
    theirs = [replace(base[0], text="Contact rules for collectors"), *base[1:]]
    head = merge3(base, ours, theirs).blocks[0]
    assert (head.level, head.text) == (2, "Contact rules for collectors")


# --- tables ------------------------------------------------------------------------------------

TABLE = Block("t", BlockKind.TABLE, cells=(("Group", "Days", "Action"),
                                           ("1", "1-30", "Call"),
                                           ("2", "31-60", "Letter"),
                                           ("3", "61-90", "Visit")))


def with_cells(*rows: tuple[str, ...]) -> list[Block]:
    return [*BASE[:2], replace(TABLE, cells=tuple(rows)), *BASE[2:]]


def test_table_edits_in_different_cells_merge_cell_by_cell():
    base = with_cells(*TABLE.cells)
    ours = with_cells(TABLE.cells[0], ("1", "1-30", "Call and SMS"), *TABLE.cells[2:])
    theirs = with_cells(*TABLE.cells[:3], ("3", "61-90", "Field visit"))
    result = merge3(base, ours, theirs)
    assert result.clean
    assert result.blocks[2].cells == (TABLE.cells[0], ("1", "1-30", "Call and SMS"),
                                      TABLE.cells[2], ("3", "61-90", "Field visit"))


def test_table_words_of_one_cell_merge_and_added_rows_are_kept():
    base = with_cells(*TABLE.cells)
    ours = with_cells(TABLE.cells[0], ("1", "1-30", "Call"), ("2", "31-60", "Letter by post"),
                      *TABLE.cells[3:], ("4", "91+", "Legal"))
    theirs = with_cells(*TABLE.cells[:2], ("2", "31-60", "Registered letter"), TABLE.cells[3])
    result = merge3(base, ours, theirs)
    assert result.clean
    assert result.blocks[2].cells[2] == ("2", "31-60", "Registered letter by post")
    assert result.blocks[2].cells[-1] == ("4", "91+", "Legal")


def test_the_same_cell_changed_differently_conflicts():
    base = with_cells(*TABLE.cells)
    ours = with_cells(*TABLE.cells[:3], ("3", "61-90", "Call"))
    theirs = with_cells(*TABLE.cells[:3], ("3", "61-120", "Agency"))
    result = merge3(base, ours, theirs)
    [conflict] = result.conflicts
    assert conflict.block_id == "t" and result.blocks[conflict.position].cells == ours[2].cells


def test_a_row_deleted_on_one_side_and_edited_on_the_other_conflicts():
    base = with_cells(*TABLE.cells)
    ours = with_cells(*TABLE.cells[:3])
    theirs = with_cells(*TABLE.cells[:3], ("3", "61-90", "Field visit"))
    assert [c.kind for c in merge3(base, ours, theirs).conflicts] == [ConflictKind.EDIT]


# --- words ---------------------------------------------------------------------------------------

def test_vietnamese_words_merge_by_word():
    base = "Khách hàng phải thanh toán khoản nợ quá hạn trong 30 ngày."
    ours = "Khách hàng phải thanh toán khoản nợ quá hạn trong 15 ngày."
    theirs = "Người vay phải thanh toán khoản nợ quá hạn trong 30 ngày."
    assert merge_words(base, ours, theirs) == ("Người vay phải thanh toán khoản nợ quá hạn "
                                               "trong 15 ngày.")
    assert merge_words(base, ours, base.replace("30", "45")) is None


def test_vietnamese_clause_merges_in_a_document():
    base = doc(clause("Nhân viên thu hồi nợ không được gọi điện sau 20 giờ.", "v1"), *BASE)
    ours = edited(base, v1="Nhân viên thu hồi nợ không được gọi điện sau 21 giờ.")
    theirs = edited(base, v1="Nhân viên ngân hàng không được gọi điện sau 20 giờ.")
    result = merge3(base, ours, theirs)
    assert result.clean
    assert result.blocks[0].text == "Nhân viên ngân hàng không được gọi điện sau 21 giờ."


@pytest.mark.parametrize(("ours", "theirs", "merged"), [
    ("the late fee is 5", "the fee is 7", "the late fee is 7"),  # next to each other: merge
    ("Late: the fee is 5", "the fee is 5 today", "Late: the fee is 5 today"),  # both ends
    ("fee is 5", "the charge is 5", "charge is 5"),  # deleted first word: no stray space
    ("the fee is 5.", "the fee was 5", "the fee was 5."),  # punctuation is its own token
    ("the fee is 5", "the fee is 5", "the fee is 5"),
])
def test_word_edits_that_do_not_overlap_merge(ours, theirs, merged):
    assert merge_words("the fee is 5", ours, theirs) == merged


@pytest.mark.parametrize(("ours", "theirs"), [
    ("the fee is 6", "the fee is 7"),  # the same word
    ("the fee is 6", "the fee is"),  # changed against deleted
    ("the fee is X 5", "the fee is Y 5"),  # two insertions in one place: order unknown
    ("the new charge", "the fee is very 5"),  # an insertion inside a replaced stretch
])
def test_word_edits_that_overlap_conflict(ours, theirs):
    assert merge_words("the fee is 5", ours, theirs) is None


def test_punctuation_changed_next_to_a_replaced_word_merges_on_the_second_pass():
    base = "Fees, interest and penalties are waived."
    assert merge_words(base, base.replace("Fees,", "Fees;"), base.replace("Fees,", "Charges,")) \
        == "Charges; interest and penalties are waived."
    assert merge_words(base, base.replace("waived.", "waived!"),
                       base.replace("waived.", "reduced.")) == ("Fees, interest and penalties "
                                                                "are reduced!")


def test_irregular_white_space_merges_and_comes_out_normalised():
    base = "The  fee\tis 5"
    assert merge_words(base, "The  fee\tis 6", "A  fee\tis 5") == "A fee is 6"


# --- empty and degenerate -----------------------------------------------------------------------

def test_empty_base_keeps_both_sides_ours_first():
    ours = doc(clause("Scope.", "a"), clause("Definitions.", "b"))
    theirs = doc(clause("Purpose.", "c"))
    result = merge3([], ours, theirs)
    assert result.clean and texts(result.blocks) == ["Scope.", "Definitions.", "Purpose."]
    assert content(merge3([], ours, ours).blocks) == content(ours)
    assert merge3([], [], []).blocks == []


def test_resolve_needs_a_valid_choice_for_every_conflict():
    result = merge3(BASE, edited(BASE, c2="x"), edited(BASE, c2="y"))
    with pytest.raises(ValidationError, match="Choose a version"):
        resolve(result, {})
    with pytest.raises(ValidationError, match="no conflict"):
        resolve(result, {"c2": "ours", "c9": "ours"})
    with pytest.raises(ValidationError):
        resolve(result, {"c2": "mine"})


# --- approvals: the proposal's own changes --------------------------------------------------------

def test_rebase_that_only_brings_in_published_changes_keeps_the_changes_key():
    ours = inserted(edited(BASE, c2=POLICY[2].replace("two", "three")), 4,
                    clause("Calls are never made to a debtor's employer.", "n1"))
    theirs = inserted(edited(without(BASE, "c5"), c0=POLICY[0].replace("debtor", "customer"),
                             c2=POLICY[2].replace("confirmed", "confirmed by email")),
                      1, clause("Collectors identify themselves on every call.", "n2"))
    result = merge3(BASE, ours, theirs)
    assert result.clean
    assert "A promise to pay is confirmed by email in writing within three days." in \
        texts(result.blocks)
    assert own_changes_key(BASE, ours) == own_changes_key(theirs, result.blocks)


def test_rebase_that_changes_the_proposals_words_dismisses():
    ours = edited(BASE, c2=POLICY[2].replace("two", "three"))
    theirs = edited(BASE, c2=POLICY[2].replace("two", "five"))
    result = merge3(BASE, ours, theirs)
    before = own_changes_key(BASE, ours)
    kept_ours = resolve(result, {"c2": "ours"})
    assert own_changes_key(theirs, kept_ours) == own_changes_key(theirs, ours)
    assert own_changes_key(theirs, kept_ours) != before  # "five -> three" is not "two -> three"
    took_theirs = resolve(result, {"c2": "theirs"})
    assert own_changes_key(theirs, took_theirs) != before


def test_a_change_the_published_version_already_made_is_no_longer_the_proposals():
    ours = edited(BASE, c2=POLICY[2].replace("two", "three"),
                  c4=POLICY[4].replace("never", "not"))
    theirs = edited(BASE, c2=POLICY[2].replace("two", "three"))
    result = merge3(BASE, ours, theirs)
    assert result.clean
    assert own_changes(theirs, result.blocks) == [
        line for line in own_changes(BASE, ours) if "c4" in line]


def test_changes_key_ignores_where_in_the_clause_and_what_else_changed():
    ours = edited(BASE, c1=POLICY[1].replace("portal", "system"))
    theirs = edited(BASE, c1="Today: " + POLICY[1], c3=POLICY[3].upper())
    merged = merge3(BASE, ours, theirs).blocks
    assert own_changes_key(BASE, ours) == own_changes_key(theirs, merged)
    assert own_changes_key(BASE, ours) != own_changes_key(BASE, edited(BASE, c1=POLICY[1]
                                                                       .replace("portal", "app")))


def test_changes_key_covers_deleted_moved_and_inserted_clauses():
    keys = {own_changes_key(BASE, v) for v in (
        BASE, without(BASE, "c1"), without(BASE, "c2"), moved(BASE, "c1", 3),
        moved(BASE, "c1", 4), inserted(BASE, 1, clause("New.", "n")),
        inserted(BASE, 2, clause("New.", "n")), inserted(BASE, 1, clause("Other.", "n")))}
    assert len(keys) == 8


# --- properties -------------------------------------------------------------------------------

WORDS = st.sampled_from(["the", "debtor", "pays", "fee", "nợ", "quá", "hạn", "30", "ngày,",
                         "fee.", "(a)", "phải"])
TEXT = st.lists(WORDS, min_size=1, max_size=8).map(" ".join)
EDIT = st.tuples(st.sampled_from(["change", "insert", "delete", "move", "words", "level"]),
                 st.integers(0, 30), st.integers(0, 30), TEXT)


@st.composite
def documents(draw) -> list[Block]:
    texts_ = draw(st.lists(TEXT, max_size=8))
    kinds = draw(st.lists(st.sampled_from([BlockKind.LIST_ITEM, BlockKind.PARAGRAPH,
                                           BlockKind.TABLE]), min_size=len(texts_),
                          max_size=len(texts_)))
    blocks = []
    for k, (text, kind) in enumerate(zip(texts_, kinds, strict=True)):
        if kind == BlockKind.TABLE:
            blocks.append(Block(f"b{k}", kind, cells=((text, "x"), ("y", text))))
        else:
            blocks.append(Block(f"b{k}", kind, text,
                                number_format="decimal" if kind == BlockKind.LIST_ITEM else ""))
    return renumber(blocks)


def apply(blocks: list[Block], edits: list[tuple], tag: str) -> list[Block]:
    """Edit a document the way a proposal or a revision does (ids kept, new ones fresh)."""
    out = list(blocks)
    for n, (what, a, b, text) in enumerate(edits):
        if what == "insert" or not out:
            out.insert(a % (len(out) + 1), Block(f"{tag}{n}", BlockKind.LIST_ITEM, text,
                                                 number_format="decimal"))
            continue
        k = a % len(out)
        if what == "delete":
            del out[k]
        elif what == "move":
            block = out.pop(k)
            out.insert(b % (len(out) + 1), block)
        elif out[k].kind == BlockKind.TABLE:
            rows = [list(r) for r in out[k].cells]
            rows[b % len(rows)][0] = text
            out[k] = replace(out[k], cells=tuple(tuple(r) for r in rows))
        elif what == "words":
            words = out[k].text.split()
            words[b % len(words)] = text
            out[k] = replace(out[k], text=" ".join(words))
        elif what == "level" and out[k].kind == BlockKind.LIST_ITEM:
            out[k] = replace(out[k], level=1 - out[k].level)
        else:
            out[k] = replace(out[k], text=text)
    return renumber(out)


@settings(max_examples=200, deadline=None)
@given(documents(), st.lists(EDIT, max_size=5))
def test_merging_with_an_unchanged_side_gives_the_other_side(base, edits):
    ours = apply(base, edits, "o")
    assert content(merge3(base, ours, base).blocks) == content(ours)
    assert content(merge3(base, base, ours).blocks) == content(ours)
    assert merge3(base, ours, base).clean and merge3(base, base, ours).clean


@settings(max_examples=200, deadline=None)
@given(documents(), st.lists(EDIT, max_size=5), st.lists(EDIT, max_size=5))
def test_any_two_revisions_merge_and_resolve(base, our_edits, their_edits):
    ours, theirs = apply(base, our_edits, "o"), apply(base, their_edits, "t")
    result = merge3(base, ours, theirs)
    ids = [b.id for b in result.blocks]
    assert len(set(ids)) == len(ids)
    assert result.clean == (not result.conflicts)
    for conflict in result.conflicts:
        if conflict.holds_place:
            assert result.blocks[conflict.position].id == conflict.block_id
        assert conflict.block_id not in ids or conflict.holds_place
    ours_kept = resolve(result, {c.block_id: "ours" for c in result.conflicts})
    assert content(ours_kept) == content(result.blocks)
    for choice in ("theirs", "base"):
        resolved = resolve(result, {c.block_id: choice for c in result.conflicts})
        assert len({b.id for b in resolved}) == len(resolved)
    assert content(merge3(base, ours, ours).blocks) == content(ours)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=" ,.abợ\u0301x(", max_size=20), st.text(alphabet=" ,.abợx", max_size=20),
       st.text(alphabet=" ,.abợx", max_size=20))
def test_any_three_texts_merge_or_conflict_without_error(base, ours, theirs):
    merged = merge_words(base, ours, theirs)
    assert merged is None or isinstance(merged, str)
    assert merge_words(base, ours, base) == ours and merge_words(base, base, theirs) == theirs


@settings(max_examples=200, deadline=None)
@given(documents(), st.lists(EDIT, max_size=5),
       st.lists(st.tuples(st.integers(0, 20), st.sampled_from(["", "1.", "a)", "bullet"])),
                max_size=3))
def test_house_numbering_check_agrees_with_renumber(base, edits, spoil):
    blocks = apply(base, edits, "o")
    for k, number in spoil:
        if blocks:
            k %= len(blocks)
            blocks[k] = (replace(blocks[k], number_format="bullet") if number == "bullet"
                         else replace(blocks[k], number=number))
    assert _house_numbered(blocks) == (renumber(blocks) == blocks)
    assert _renumbered(blocks) == renumber(blocks)


@pytest.mark.parametrize("fraction", [0.01, 0.1])
def test_generated_policy_rebases_with_few_conflicts(fraction):
    base = policy(20_000, random.Random(7))
    ours = edit(base, fraction, random.Random(8)).blocks
    theirs = edit(base, fraction, random.Random(9)).blocks
    result = merge3(base, ours, theirs)
    ours_by_id, theirs_by_id = {b.id: b for b in ours}, {b.id: b for b in theirs}
    base_by_id = {b.id: b for b in base}
    def touched(side: dict, b: Block) -> bool:
        other = side.get(b.id)
        return other is None or (other.text, other.cells) != (b.text, b.cells)

    touched_twice = [b for b in base if touched(ours_by_id, b) and touched(theirs_by_id, b)]
    assert len(result.conflicts) <= len(touched_twice)
    # Every clause only one side touched reads as that side wrote it.
    for block in result.blocks:
        b, o, t = (d.get(block.id) for d in (base_by_id, ours_by_id, theirs_by_id))
        if b and o and t and o.text == b.text:
            assert block.text == t.text
        elif b and o and t and t.text == b.text:
            assert block.text == o.text
