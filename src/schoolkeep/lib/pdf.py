"""PDFs from our own HTML and CSS, with WeasyPrint."""

from __future__ import annotations


def pdf_from_html(html: str, css: str) -> bytes:
    """A PDF from our own HTML and CSS. No URL is fetched but ``data:`` ones: the HTML
    holds people's text, which must never make the server fetch anything."""
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False)
    document = HTML(string=html, url_fetcher=fetcher)
    result = document.write_pdf(stylesheets=[CSS(string=css, url_fetcher=fetcher)])
    if not isinstance(result, bytes):  # write_pdf returns bytes when given no target
        raise TypeError("WeasyPrint returned no PDF.")
    return result
