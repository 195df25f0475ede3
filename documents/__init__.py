"""Policy document domain: block model, docx import/export, redlines (issue 3 onwards)."""
