"""Compliance creates a policy, uploads two Word versions, publishes and compares them; a
collector in the audience acknowledges the version in force."""

import io
import re
from pathlib import Path

import docx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ACTION_TIMEOUT_MS
from tests.browser.live import log_in, needs_chromium, quiet_plugin_warnings

pytestmark = [pytest.mark.browser, needs_chromium, quiet_plugin_warnings]

CODE = "COL-POL-042"
TITLE = "Contact hours for overdue accounts"
# Clauses of each version; the second changes the hours, drops one clause and adds another.
FIRST = ["Collectors call customers between 07:00 and 21:00 only.",
         "Never call a customer's relatives about the debt.",
         "Offer a payment plan before any field visit."]
SECOND = ["Collectors call customers between 08:00 and 20:00 only.",
          "Offer a payment plan before any field visit.",
          "Record every call in the portal within one hour."]


def policy_docx(clauses: list[str], fee: str) -> bytes:
    """Build a policy in Word: a heading, numbered clauses ("List Number"), a fee table."""
    document = docx.Document()
    document.add_heading("Contact rules", level=1)
    for clause in clauses:
        document.add_paragraph(clause, style="List Number")
    document.add_heading("Fees", level=1)
    table = document.add_table(rows=2, cols=2)
    for cell, text in zip(table._cells, ["Action", "Fee (VND)", "Field visit", fee],
                          strict=True):
        cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def create_document(page) -> None:
    """Fill the register's create form: code, title, category and collectors as audience."""
    page.goto("/documents/")
    page.get_by_role("link", name="Create").first.click()
    page.get_by_label("Code").fill(CODE)
    page.get_by_label("Title").fill(TITLE)
    # select2 hides the real <select>s behind its widgets; the form still submits them.
    page.locator("select#category").select_option("policy", force=True)
    page.locator("select#audience_roles_field").select_option("collector", force=True)
    with page.expect_navigation():
        page.locator("input[type=submit][value='Save']").click()


def upload(page, tmp_path: Path, name: str, data: bytes, summary: str) -> None:
    """Upload a .docx through the document's upload form."""
    path = tmp_path / name
    path.write_bytes(data)
    page.get_by_role("link", name="Upload new version").first.click()
    page.get_by_label("Word document (.docx)").set_input_files(str(path))
    page.get_by_label("What changed").fill(summary)
    with page.expect_navigation():
        page.get_by_role("button", name="Upload as draft").click()


def publish_now(page) -> None:
    """Press Publish on a draft's page and accept the confirmation dialog."""
    dialogs = []

    def accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    with page.expect_navigation():
        page.locator("[data-publish-form]").get_by_role("button", name="Publish").click()
    assert dialogs and "Publish version" in dialogs[0]


def clause(page, number: str, text: str):
    """Locate the rendered clause with this number and text."""
    number_cell = page.locator(".clause-no", has_text=re.compile(rf"^\s*{re.escape(number)}\s*$"))
    return page.locator(".doc-clause", has=number_cell).filter(has_text=text)


@pytest.fixture
def colleague_page(new_context, portal_url):
    """A page in a second browser, without the first user's cookies, for another person."""
    context = new_context(base_url=portal_url)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    return context.new_page()


def upload_and_publish_the_first_version(page, tmp_path: Path) -> None:
    """Upload version 1, check its rendered clauses and table, publish it."""
    upload(page, tmp_path, "contact-v1.docx", policy_docx(FIRST, "200,000"), "First issue")
    expect(page.locator(".alert-success")).to_contain_text(
        "Version 1 was created as a draft from contact-v1.docx.")
    expect(page.locator("[data-version-state]")).to_have_text("Version 1 · Draft")
    body = page.locator("article.doc-body")
    expect(body.get_by_role("heading", name="Contact rules")).to_be_visible()
    for number, text in enumerate(FIRST, start=1):
        expect(clause(page, f"{number}.", text)).to_be_visible()
    expect(body.locator("table")).to_contain_text("200,000")
    publish_now(page)
    expect(page.locator(".alert-success")).to_contain_text("Version 1 is published.")
    expect(page.locator("[data-version-state]")).to_have_text("Version 1 · In force")


def compare_inline_and_side_by_side(page) -> None:
    """Open "Compare versions": the changes are marked inline, then side by side."""
    page.get_by_role("link", name="Compare versions").click()
    expect(page.locator("[data-compare-stats]")).to_contain_text(
        "Changes from version 1 (Superseded")
    redline = page.locator("[data-redline]")
    expect(redline.locator(".rl-counts")).to_contain_text("words inserted")
    expect(redline.locator("ins", has_text="08:00")).to_be_visible()
    expect(redline.locator("del", has_text="07:00")).to_be_visible()
    expect(redline.locator("del", has_text="relatives")).to_be_visible()
    expect(redline.locator("ins", has_text="Record every call")).to_be_visible()
    expect(redline.locator("ins", has_text="150,000")).to_be_visible()

    # One click on the layout switch shows the other layout (once the page's script has run).
    page.wait_for_load_state("load")
    with page.expect_navigation():
        page.get_by_text("Side by side").click()
    expect(page).to_have_url(re.compile(r"mode=side"))
    expect(redline.locator(".redline-sbs")).to_be_visible()
    # The old and the new wording of the changed clause stand on one row.
    row = redline.locator(".rl-row").filter(has=page.locator("del", has_text="07:00"))
    expect(row.locator("ins", has_text="08:00")).to_be_visible()


def download_the_export(page) -> docx.document.Document:
    """Download the version in force as .docx from the document page and open it."""
    page.get_by_role("link", name=CODE).click()
    with page.expect_download() as download:
        page.locator("[data-download]").click()
    assert download.value.suggested_filename == f"{CODE}-v2.docx"
    return docx.Document(download.value.path())


def acknowledge_as_collector(page) -> None:
    """As collector1: open the pending version from "My acknowledgements", acknowledge it."""
    log_in(page, "collector1")
    page.goto("/documents/pending/")
    row = page.locator("[data-pending] tr", has_text=CODE)
    row.get_by_role("link", name="Read and acknowledge").click()
    expect(clause(page, "1.", SECOND[0])).to_be_visible()
    page.locator("[data-ack-pending]").get_by_role(
        "button", name="I have read and understood it").click()
    expect(page.locator(".alert-success")).to_contain_text(
        f"you acknowledged {CODE} version 2")
    expect(page.locator("[data-ack-done]")).to_be_visible()
    page.goto("/documents/pending/")
    expect(page.locator("[data-empty]")).to_contain_text("You are up to date")


def test_compliance_uploads_publishes_compares_and_a_collector_acknowledges(
        page, colleague_page, tmp_path):
    log_in(page, "compliance")
    create_document(page)
    expect(page.locator("[data-doc-title]")).to_have_text(f"{CODE} · {TITLE}")
    expect(page.locator("[data-empty]")).to_contain_text("no versions yet")
    upload_and_publish_the_first_version(page, tmp_path)

    upload(page, tmp_path, "contact-v2.docx", policy_docx(SECOND, "150,000"), "New hours")
    expect(clause(page, "3.", SECOND[2])).to_be_visible()
    publish_now(page)
    expect(page.locator("[data-version-state]")).to_have_text("Version 2 · In force")
    expect(page.locator("[data-history] .timeline-item")).to_have_count(2)

    compare_inline_and_side_by_side(page)
    exported = download_the_export(page)
    text = "\n".join(p.text for p in exported.paragraphs)
    assert SECOND[2] in text and FIRST[1] not in text
    assert exported.tables[0].cell(1, 1).text == "150,000"

    acknowledge_as_collector(colleague_page)
