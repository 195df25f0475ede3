"""Synthetic long policies as blocks, and edits that change a known number of words.

`policy(words, rng)` builds a document of headings, numbered clauses (two levels), plain
paragraphs and tables, in English and Vietnamese. `edit(blocks, fraction, rng)` changes about
`fraction` of its words the way a revision does (clauses edited here and there, a few clauses
added or dropped, a table cell changed, a few clauses moved) and returns exactly how many words
it deleted and inserted: a correct redline marks no more than that.
"""

import random
from dataclasses import dataclass, replace

from documents.blocks import Block, BlockKind, new_block_id, renumber, word_count


def _words(text: str) -> list[str]:
    return text.split()


ENGLISH = _words(
    "the the the the of of of to to and and a a in in shall shall debtor debtor customer "
    "account account payment payment collector collector bank must may not be is are within "
    "days overdue amount outstanding balance contact call letter notice record every each "
    "before after during working hours written consent agreement restructuring schedule fee "
    "interest penalty waiver approval team lead compliance officer review escalate legal "
    "action recovery agency third party information personal data protect disclose verify "
    "identity phone address email visit branch complaint resolve report monthly weekly "
    "daily promise pay broken plan instalment minimum partial full settlement write-off "
    "provision risk fraud suspicious transaction freeze guarantor collateral vehicle property "
    "court judgment enforcement ombudsman regulator circular decree article clause section "
    "annex form template evidence retain years system portal update status note"
)
VIETNAMESE = _words(
    "khách hàng khoản nợ thanh toán quá hạn ngày ngân hàng nhân viên thu hồi phải không được "
    "liên hệ gọi điện thư thông báo ghi chép mỗi trước sau trong giờ làm việc đồng ý văn bản "
    "hợp đồng cơ cấu lại lịch phí lãi suất phạt miễn giảm phê duyệt trưởng nhóm tuân thủ "
    "kiểm tra chuyển pháp lý tài sản bảo đảm người bảo lãnh khiếu nại giải quyết báo cáo "
    "hàng tháng tuần số tiền dư nợ gốc cam kết trả góp tối thiểu một phần toàn bộ rủi ro "
    "gian lận giao dịch đáng ngờ phong tỏa tòa án quyết định thi hành điều khoản mục phụ lục "
    "biểu mẫu bằng chứng lưu trữ năm hệ thống cập nhật trạng thái ghi chú nợ của và các cho"
)
TABLE_WORDS = _words("Group Days Action Owner Limit VND Approval Level Letter Call Visit")


@dataclass(frozen=True)
class Edited:
    """An edited version and what the edit did, word for word."""

    blocks: list[Block]
    words_deleted: int
    words_inserted: int
    words_changed: int  # word positions touched: a replaced word counts once here
    moves: int


def _rare_word(rng: random.Random) -> str:
    """Return a number, an amount, a clause reference or a document code, as policies cite."""
    roll = rng.random()
    if roll < 0.4:
        return str(rng.randint(1, 365))
    if roll < 0.6:
        return f"{rng.randint(1, 500) * 100_000:,}"
    if roll < 0.85:
        return f"{rng.randint(1, 40)}.{rng.randint(1, 12)}"
    return f"COL-{rng.choice(('POL', 'PRO', 'WI', 'FRM'))}-{rng.randint(1, 120):03d}"


def _sentence(rng: random.Random, vocabulary: list[str], length: int) -> str:
    # One word in eight is rare (numbers, amounts, references): real policies cite many.
    words = [_rare_word(rng) if rng.random() < 0.125 else rng.choice(vocabulary)
             for _ in range(length)]
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def _clause_text(rng: random.Random) -> str:
    vocabulary = VIETNAMESE if rng.random() < 0.3 else ENGLISH
    return " ".join(_sentence(rng, vocabulary, rng.randint(8, 22))
                    for _ in range(rng.randint(1, 4)))


def _table(rng: random.Random) -> Block:
    columns = rng.randint(3, 4)
    header = tuple(rng.choice(TABLE_WORDS) for _ in range(columns))
    rows = [header] + [tuple(" ".join(rng.choice(ENGLISH + VIETNAMESE)
                                      for _ in range(rng.randint(1, 4)))
                             for _ in range(columns)) for _ in range(rng.randint(3, 6))]
    return Block(new_block_id(), BlockKind.TABLE, cells=tuple(rows))


def policy(words: int, rng: random.Random) -> list[Block]:
    """Build a policy of about `words` words."""
    blocks: list[Block] = []
    total = chapter = 0
    while total < words:
        if not blocks or rng.random() < 0.03:
            chapter += 1
            heading = f"Chapter {chapter}: " + _sentence(rng, ENGLISH, rng.randint(2, 5))[:-1]
            blocks.append(Block(new_block_id(), BlockKind.HEADING, heading, level=1))
            total += word_count(blocks[-1:])
        roll = rng.random()
        if roll < 0.03:
            block = _table(rng)
        elif roll < 0.10:
            block = Block(new_block_id(), BlockKind.PARAGRAPH, _clause_text(rng))
        else:
            block = Block(new_block_id(), BlockKind.LIST_ITEM, _clause_text(rng),
                          level=int(rng.random() < 0.3), number_format="decimal")
        blocks.append(block)
        total += word_count([block])
    return renumber(blocks)


def _edit_text(text: str, budget: int, rng: random.Random) -> tuple[str, int, int, int]:
    """Edit up to `budget` words of one text; return it with words deleted, inserted, touched."""
    words = text.split()
    slots = list(range(0, len(words), 4))  # edits at least 4 words apart never overlap
    rng.shuffle(slots)
    deleted = inserted = touched = 0
    for at in sorted(slots[: max(1, min(len(slots), budget // 2))], reverse=True):
        if touched >= budget:
            break
        roll = rng.random()
        if roll < 0.5:
            core, tail = _split_punctuation(words[at])
            other = rng.choice([w for w in ENGLISH + VIETNAMESE if w != core.lower()])
            words[at] = other + tail
            deleted, inserted, touched = deleted + 1, inserted + 1, touched + 1
        elif roll < 0.75:
            phrase = [rng.choice(ENGLISH) for _ in range(rng.randint(1, 3))]
            words[at:at] = phrase
            inserted, touched = inserted + len(phrase), touched + len(phrase)
        elif len(words) > 2:
            core, tail = _split_punctuation(words[at])
            if tail:  # keep the sentence's full stop: only the word goes
                words[at] = tail
                if at > 0:
                    words[at - 1] += words.pop(at)
            else:
                del words[at]
            deleted, touched = deleted + 1, touched + 1
    return " ".join(words), deleted, inserted, touched


def _split_punctuation(word: str) -> tuple[str, str]:
    core = word.rstrip(".,;")
    return core, word[len(core):]


def edit(blocks: list[Block], fraction: float, rng: random.Random) -> Edited:
    """Change about `fraction` of the words of blocks; count exactly what changed."""
    target = max(1, round(word_count(blocks) * fraction))
    out = list(blocks)
    original = {b.id for b in blocks}
    deleted = inserted = touched = 0
    # A few whole clauses added and dropped (about a tenth of the budget).
    for _ in range(max(1, target // 400)):
        text = _clause_text(rng)
        out.insert(rng.randrange(len(out) + 1),
                   Block(new_block_id(), BlockKind.LIST_ITEM, text, number_format="decimal"))
        inserted += len(text.split())
        touched += len(text.split())
        victim = rng.choice([k for k, b in enumerate(out)
                             if b.kind == BlockKind.LIST_ITEM and b.id in original])
        deleted += len(out[victim].text.split())
        touched += len(out[victim].text.split())
        del out[victim]
    # A table cell edited.
    tables = [k for k, b in enumerate(out) if b.kind == BlockKind.TABLE]
    if tables:
        k = rng.choice(tables)
        rows = [list(r) for r in out[k].cells]
        rows[-1][0] = rows[-1][0] + " revised"
        out[k] = replace(out[k], cells=tuple(tuple(r) for r in rows))
        inserted, touched = inserted + 1, touched + 1
    # Clauses edited here and there until the budget is spent.
    # (Words edited inside an added clause would be counted twice: only old clauses are edited.)
    texts = [k for k, b in enumerate(out) if b.kind != BlockKind.TABLE and b.id in original]
    while touched < target:
        k = rng.choice(texts)
        budget = min(target - touched, rng.randint(1, 8))
        text, d, i, t = _edit_text(out[k].text, budget, rng)
        out[k] = replace(out[k], text=text)
        deleted, inserted, touched = deleted + d, inserted + i, touched + t
    moves = _move_clauses(out, original, rng, count=3)
    return Edited(renumber(out), deleted, inserted, touched, moves)


def _move_clauses(blocks: list[Block], original: set[str], rng: random.Random,
                  count: int) -> int:
    """Move `count` old clauses elsewhere, in place (a move changes no word)."""
    for _ in range(count):
        k = rng.choice([k for k, b in enumerate(blocks)
                        if b.kind == BlockKind.LIST_ITEM and b.id in original])
        block = blocks.pop(k)
        blocks.insert(rng.randrange(len(blocks) + 1), block)
    return count


def fresh_ids(blocks: list[Block]) -> list[Block]:
    """Return blocks with new ids (what a .docx import gives before ids are carried)."""
    return [b.with_id(new_block_id()) for b in blocks]
