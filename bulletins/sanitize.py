"""The safe rich-text subset of bulletins, enforced on the server (nh3, the Ammonia sanitiser)."""

import re

import nh3

TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "a", "h3", "h4", "blockquote"}
ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def paragraphs(text: str) -> str:
    """Plain text typed without the editor: blank lines separate paragraphs."""
    import html as html_lib

    blocks = [block.strip() for block in re.split(r"\n\s*\n", text.strip()) if block.strip()]
    return "".join(f"<p>{html_lib.escape(block).replace(chr(10), '<br>')}</p>" for block in blocks)


def clean_html(html: str) -> str:
    """Keep the subset; drop scripts, styles, event handlers and unsafe links entirely."""
    if not re.search(r"<[a-zA-Z/!]", html):
        html = paragraphs(html)
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        clean_content_tags={"script", "style"},
    ).strip()


def text_of(html: str) -> str:
    """Plain text for channels that cannot show HTML (email text part, SMS later)."""
    text = re.sub(r"<\s*(br|/p|/li|/h3|/h4)\s*/?>", "\n", html, flags=re.I)
    text = re.sub(r"<\s*li[^>]*>", "• ", text, flags=re.I)
    text = nh3.clean(text, tags=set())
    text = re.sub(r"\n\s*\n+", "\n\n", text)
    import html as html_lib

    return html_lib.unescape(text).strip()
