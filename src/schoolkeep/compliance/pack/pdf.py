"""The governor pack as a PDF: our own HTML and CSS through WeasyPrint (``lib.pdf``), each
framework's trend drawn inline as the same SVG the compliance pages draw
(``state.charts.trend_svg``), with a table of the same figures beside it."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from schoolkeep.compliance.pack.content import PackContent
from schoolkeep.compliance.state.charts import trend_svg
from schoolkeep.lib.pdf import pdf_from_html


def context(content: PackContent) -> dict[str, Any]:
    """What the pack's templates read: the content, and each framework with its chart."""
    return {
        "pack": content,
        "frameworks": [
            (framework, trend_svg(framework.trend,
                                  title=f"{framework.short_title}: the score over the year",
                                  chart_id=f"trend-{framework.code}"))
            for framework in content.frameworks],
        "record": content.section("record"), "aups": content.section("aups"),
        "training": content.section("training"), "backups": content.section("backups"),
    }


def pack_pdf(content: PackContent) -> bytes:
    css = render_to_string("compliance/pack/_pack_pdf.css")
    return pdf_from_html(render_to_string("compliance/pack/pack_pdf.html", context(content)), css)
