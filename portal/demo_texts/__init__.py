"""Texts of the demo policy documents, written in the block source of portal.demo_documents.

Each module holds the first version of a document and, for later versions, the edits that
turn one version into the next, so the versions differ the way real revisions do.
"""
