"""Rendering: the report context to HTML, Markdown and PDF, charts, narrative, writing.

Nothing here is imported by the CLI at start-up: matplotlib, Jinja and WeasyPrint load
only when a report is rendered.
"""
