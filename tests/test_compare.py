"""The compare engine: block alignment, word runs, moves, tables, stats and carried ids."""

import gc
import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.doc_corpus import edit, fresh_ids, policy
from documents.blocks import Block, BlockKind, new_block_id, renumber
from documents.compare import Op, Status, carry_ids, compare
from documents.word_diff import diff_words, new_text, old_text


def clause(text: str, block_id: str | None = None, level: int = 0) -> Block:
    return Block(block_id or new_block_id(), BlockKind.LIST_ITEM, text, level=level,
                 number_format="decimal")


def doc(*blocks: Block) -> list[Block]:
    return renumber(blocks)


def marked(runs, op: Op) -> list[str]:
    return [t.strip() for o, t in runs if o == op]


def statuses(redline) -> list[str]:
    return [c.status.value for c in redline.changes]


POLICY = [
    "The collector must call the debtor between 8:00 and 20:00 on working days.",
    "Every call is recorded in the portal with its outcome.",
    "A promise to pay is confirmed in writing within two days.",
    "Accounts more than 90 days overdue are escalated to the legal team.",
    "Personal data is never disclosed to third parties.",
]


def versions(*texts_by_version: list[str]) -> list[list[Block]]:
    """Build versions of one document sharing ids where the text position says so."""
    ids = [new_block_id() for _ in range(max(len(t) for t in texts_by_version))]
    return [doc(*(clause(t, ids[k]) for k, t in enumerate(texts))) for texts in texts_by_version]


def test_one_replaced_word_is_the_only_mark():
    old = doc(*(clause(t, f"c{k}") for k, t in enumerate(POLICY)))
    new = list(old)
    new[2] = clause(POLICY[2].replace("two", "three"), "c2")
    redline = compare(old, new)
    assert statuses(redline) == ["equal", "equal", "changed", "equal", "equal"]
    runs = redline.changes[2].runs
    assert marked(runs, Op.DELETE) == ["two"] and marked(runs, Op.INSERT) == ["three"]
    assert old_text(runs) == old[2].text and new_text(runs) == new[2].text
    assert redline.stats.words_inserted == 1 and redline.stats.words_deleted == 1
    assert redline.stats.blocks_changed == 1


def test_inserted_clause_is_one_block_and_renumbers_the_rest_without_word_marks():
    old = doc(*(clause(t, f"c{k}") for k, t in enumerate(POLICY)))
    added = clause("The team lead approves every restructuring plan.")
    new = doc(*old[:2], added, *old[2:])
    redline = compare(old, new)
    assert statuses(redline) == ["equal", "equal", "inserted", "equal", "equal", "equal"]
    assert redline.changes[2].runs == ((Op.INSERT, added.text),)
    renumbered = [c for c in redline.changes if c.renumbered]
    assert [(c.old.number, c.new.number) for c in renumbered] == [("3.", "4."), ("4.", "5."),
                                                                  ("5.", "6.")]
    assert redline.stats.words_inserted == 7 and redline.stats.words_deleted == 0
    assert redline.stats.blocks_renumbered == 3


def test_deleted_clause_without_ids_is_found_by_content():
    old = doc(*(clause(t) for t in POLICY))
    new = fresh_ids(doc(*(clause(t) for t in POLICY[:1] + POLICY[2:])))
    redline = compare(old, new)
    assert statuses(redline) == ["equal", "deleted", "equal", "equal", "equal"]
    assert redline.stats.words_deleted == len(POLICY[1].split())
    assert redline.stats.words_inserted == 0


def test_inserted_words_inside_a_clause():
    old = doc(clause("The collector calls the debtor.", "a"))
    new = doc(clause("The collector calls the debtor and the guarantor, in that order.", "a"))
    runs = compare(old, new).changes[0].runs
    assert marked(runs, Op.INSERT) == ["and the guarantor, in that order"]
    assert marked(runs, Op.DELETE) == []


def test_moved_clause_is_a_move_pair_not_delete_and_insert():
    old = doc(*(clause(t, f"c{k}") for k, t in enumerate(POLICY)))
    new = doc(old[0], old[2], old[3], old[4], old[1])
    redline = compare(old, new)
    assert statuses(redline) == ["equal", "moved_from", "equal", "equal", "equal", "moved_to"]
    source, target = redline.changes[1], redline.changes[5]
    assert source.partner == 5 and target.partner == 1
    assert source.old.number == "2." and target.new.number == "5."
    assert redline.stats.blocks_moved == 1
    assert redline.stats.words_inserted == 0 and redline.stats.words_deleted == 0


def test_moved_clause_without_ids_is_found_by_content():
    old = doc(*(clause(t) for t in POLICY))
    new = fresh_ids(doc(*(clause(t) for t in [POLICY[4], *POLICY[:4]])))
    redline = compare(old, new)
    assert redline.stats.blocks_moved == 1
    assert redline.stats.words_inserted == redline.stats.words_deleted == 0
    move = next(c for c in redline.changes if c.status == Status.MOVED_TO)
    assert move.new.text == POLICY[4]


def test_edited_moved_clause_is_a_move_with_word_changes():
    old = doc(*(clause(t, f"c{k}") for k, t in enumerate(POLICY)))
    edited = clause(POLICY[1].replace("outcome", "result"), "c1")
    new = doc(old[0], old[2], old[3], edited, old[4])
    redline = compare(old, new)
    assert redline.stats.blocks_moved == 1
    target = next(c for c in redline.changes if c.status == Status.MOVED_TO)
    assert marked(target.runs, Op.DELETE) == ["outcome"]
    assert marked(target.runs, Op.INSERT) == ["result"]
    assert redline.stats.words_inserted == 1 and redline.stats.words_deleted == 1


def test_reordered_clauses_mark_no_words():
    old = doc(*(clause(t, f"c{k}") for k, t in enumerate(POLICY)))
    new = doc(*reversed(old))
    redline = compare(old, new)
    assert redline.stats.words_inserted == redline.stats.words_deleted == 0
    assert redline.stats.blocks_moved == 4  # one clause stays, the four others moved around it
    assert redline.has_changes


def test_edited_table_cell_marks_that_cell_only():
    cells = (("Group", "Days", "Action"), ("1", "1-30", "Call"), ("2", "31-90", "Letter"))
    old = [Block("t", BlockKind.TABLE, cells=cells)]
    changed = (cells[0], ("1", "1-30", "Call and SMS"), cells[2], ("3", "91+", "Legal"))
    redline = compare(old, [Block("t", BlockKind.TABLE, cells=changed)])
    change = redline.changes[0]
    assert change.status == Status.CHANGED and change.is_table
    assert [r.status for r in change.rows] == ["equal", "changed", "equal", "inserted"]
    edited = change.rows[1].cells
    assert [c.status for c in edited] == ["equal", "equal", "changed"]
    assert marked(edited[2].runs, Op.INSERT) == ["and SMS"]
    assert redline.stats.words_inserted == 2 + 3 and redline.stats.words_deleted == 0


def test_table_with_a_new_column_marks_the_new_cells():
    old = [Block("t", BlockKind.TABLE, cells=(("Group", "Action"), ("1", "Call")))]
    new = [Block("t", BlockKind.TABLE, cells=(("Group", "Owner", "Action"),
                                              ("1", "Collector", "Call")))]
    rows = compare(old, new).changes[0].rows
    assert [[c.status.value for c in r.cells] for r in rows] == [
        ["equal", "inserted", "equal"], ["equal", "inserted", "equal"]]


def test_empty_and_identical_documents():
    assert compare([], []).changes == [] and not compare([], []).has_changes
    blocks = doc(*(clause(t) for t in POLICY))
    assert statuses(compare([], blocks)) == ["inserted"] * 5
    assert statuses(compare(blocks, [])) == ["deleted"] * 5
    same = compare(blocks, fresh_ids(blocks))
    assert statuses(same) == ["equal"] * 5 and not same.has_changes
    assert same.stats.words_inserted == same.stats.words_deleted == 0


def test_vietnamese_diacritics_are_words_of_their_own():
    old = doc(clause("Khách hàng phải thanh toán khoản nợ quá hạn trong 30 ngày.", "v"))
    new = doc(clause("Khách hàng phải thanh toán khoản nợ quá hạn trong 60 ngày.", "v"))
    runs = compare(old, new).changes[0].runs
    assert marked(runs, Op.DELETE) == ["30"] and marked(runs, Op.INSERT) == ["60"]
    # Only a tone mark differs ("nợ" debt vs "nó" it): still a word change, nothing more.
    diff = diff_words("khoản nợ quá hạn", "khoản nó quá hạn")
    assert marked(diff.runs, Op.DELETE) == ["nợ"] and marked(diff.runs, Op.INSERT) == ["nó"]


def test_decomposed_vietnamese_is_compared_as_whole_words():
    decomposed = "no\u0323 qua\u0301 ha\u0323n"  # combining marks, as some editors save them
    diff = diff_words(decomposed, decomposed + " 30 ngày")
    assert marked(diff.runs, Op.DELETE) == [] and marked(diff.runs, Op.INSERT) == ["30 ngày"]
    assert diff.inserted == 2


def test_repeated_identical_clauses_pair_in_place():
    same = "The collector records the call."
    old = doc(clause(same), clause("First unique clause."), clause(same), clause(same),
              clause("Second unique clause."), clause(same))
    new = fresh_ids(doc(clause(same), clause("First unique clause."), clause(same),
                        clause("Second unique clause."), clause(same)))
    redline = compare(old, new)
    assert statuses(redline).count("deleted") == 1
    assert statuses(redline).count("moved_from") == 0
    assert redline.stats.words_deleted == len(same.split())
    assert redline.stats.words_inserted == 0


def test_rewritten_clause_in_place_is_changed_not_delete_and_insert():
    old, new = versions(POLICY[:3], [POLICY[0], "Calls are logged with outcome and time.",
                                     POLICY[2]])
    redline = compare(old, fresh_ids(new))
    assert statuses(redline) == ["equal", "changed", "equal"]


def test_long_stretch_of_edited_clauses_without_ids_pairs_every_clause():
    """Over 64 x 64 edited blocks in a row, pairs come from shared word shingles."""
    texts = [f"Clause {k} tells the collector how to handle overdue account type {k}."
             for k in range(120)]
    old = doc(*(clause(t) for t in texts))
    edited = [t.replace("collector", "agent") for t in texts]
    edited.insert(60, "A new clause about complaints.")
    redline = compare(old, fresh_ids(doc(*(clause(t) for t in edited))))
    assert redline.stats.blocks_changed == 120 and redline.stats.blocks_inserted == 1
    assert redline.stats.words_deleted == 120 and redline.stats.words_inserted == 120 + 5
    assert redline.stats.blocks_moved == 0


def test_heading_that_becomes_a_clause_is_changed_without_word_marks():
    old = [Block("h", BlockKind.HEADING, "Contact hours", level=1)]
    new = [Block("h", BlockKind.LIST_ITEM, "Contact hours", number="1.")]
    change = compare(old, new).changes[0]
    assert change.status == Status.CHANGED and change.restyled
    assert change.words_inserted == change.words_deleted == 0


def test_punctuation_change_marks_no_word():
    diff = diff_words("pay the fee, then call.", "pay the fee; then call.")
    assert (diff.inserted, diff.deleted) == (0, 0)
    assert marked(diff.runs, Op.DELETE) == [","] and marked(diff.runs, Op.INSERT) == [";"]


def test_word_dropped_before_a_full_stop_keeps_the_full_stop():
    diff = diff_words("Call the debtor twice.", "Call the debtor.")
    assert diff.runs == ((Op.EQUAL, "Call the debtor"), (Op.DELETE, " twice"), (Op.EQUAL, "."))


def test_irregular_white_space_is_not_a_word_change():
    diff = diff_words("pay  the\tfee", "pay the fee")
    assert (diff.inserted, diff.deleted) == (0, 0)
    assert new_text(diff.runs) == "pay the fee" and old_text(diff.runs) == "pay  the\tfee"


WORDS = st.sampled_from(["the", "debtor", "pays", "fee", "nợ", "quá", "hạn", "30", "ngày,",
                         "call.", "(a)", "1.2", "write-off"])


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, max_size=40), st.lists(st.tuples(st.integers(0, 60), st.integers(0, 2),
                                                        WORDS), max_size=8))
def test_runs_rebuild_both_texts_and_mark_no_more_than_the_edits(words, edits):
    """Apply known word edits; the diff marks at most that many words and loses no text."""
    new_words = list(words)
    applied = 0
    for at, kind, word in edits:
        if kind == 0:
            new_words.insert(min(at, len(new_words)), word)
            applied += 1
        elif new_words:
            at = at % len(new_words)
            if kind == 1:
                del new_words[at]
            else:
                new_words[at] = word
            applied += 1 if kind == 1 else 2
    old, new = " ".join(words), " ".join(new_words)
    diff = diff_words(old, new)
    assert old_text(diff.runs) == old and new_text(diff.runs) == new
    assert diff.inserted + diff.deleted <= applied  # a replaced word is one out, one in
    ops = [op for op, _ in diff.runs]
    assert all(a != b for a, b in itertools.pairwise(ops))  # runs are merged


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \t\n,.ab\u0301ợ<>&", max_size=30),
       st.text(alphabet=" \t\n,.ab\u0301ợ<>&", max_size=30))
def test_any_two_texts_give_merged_runs_that_rebuild_them(old, new):
    diff = diff_words(old, new)
    assert old_text(diff.runs) == old and new_text(diff.runs) == new
    assert all(text for _, text in diff.runs)
    ops = [op for op, _ in diff.runs]
    assert all(a != b for a, b in itertools.pairwise(ops))


@pytest.mark.parametrize("fraction", [0.01, 0.1])
@pytest.mark.parametrize("with_ids", [True, False])
def test_generated_policy_marks_no_more_words_than_were_changed(fraction, with_ids):
    old = policy(20_000, random.Random(5))
    edited = edit(old, fraction, random.Random(6))
    new = edited.blocks if with_ids else fresh_ids(edited.blocks)
    stats = compare(old, new).stats
    assert 0 < stats.words_deleted <= edited.words_deleted
    assert 0 < stats.words_inserted <= edited.words_inserted
    assert stats.blocks_moved >= edited.moves - 1 if not with_ids else \
        stats.blocks_moved == edited.moves


def test_carry_ids_keeps_ids_of_equal_edited_and_moved_blocks():
    old = doc(*(clause(t) for t in POLICY))
    imported = fresh_ids(doc(
        clause(POLICY[0]), clause(POLICY[2]),
        clause(POLICY[1].replace("outcome", "outcome and duration")),  # edited and moved
        clause("A brand new clause on complaints handling."),
        clause(POLICY[3].replace("90", "120")), clause(POLICY[4])))
    carried = carry_ids(old, imported)
    assert [b.text for b in carried] == [b.text for b in imported]
    assert [b.id for b in carried] == [old[0].id, old[2].id, old[1].id, imported[3].id,
                                       old[3].id, old[4].id]
    # Compared afterwards, the ids tell the story: one move, one edit, one new clause.
    redline = compare(old, carried)
    assert redline.stats.blocks_moved == 1 and redline.stats.blocks_inserted == 1
    assert redline.stats.blocks_changed == 1


def test_carry_ids_never_repeats_an_id():
    same = "The collector records the call."
    old = doc(clause(same, "dup"), clause(same, "dup"), clause("Other clause.", "x"))
    imported = [clause(same, "x"), clause(same, "x"), clause(same, "x"), clause("Other clause.")]
    ids = [b.id for b in carry_ids(old, imported)]
    assert len(set(ids)) == len(ids) == 4
    assert "x" in ids and "dup" in ids  # carried where a counterpart exists


def test_carry_ids_on_a_generated_revision_keeps_almost_every_id():
    old = policy(20_000, random.Random(8))
    edited = edit(old, 0.1, random.Random(9))
    carried = carry_ids(old, fresh_ids(edited.blocks))
    kept = sum(a.id == b.id for a, b in zip(carried, edited.blocks, strict=True))
    assert kept >= 0.97 * len(edited.blocks)
    assert len({b.id for b in carried}) == len(carried)


@pytest.mark.parametrize("enabled", [True, False])
def test_compare_leaves_the_garbage_collector_as_it_found_it(enabled):
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        old = doc(*(clause(t) for t in POLICY))
        compare(old, doc(*(clause(t) for t in reversed(POLICY))))
        carry_ids(old, fresh_ids(old))
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
