"""What a page says, for the scans that run at score time: visible text, hidden markup, labelled
fields. Pure: Page → PageText.

The crawler stores this (compressed) instead of scanning the text itself, so the serious-error scan
can be re-run with new protected terms (`govaudit score --terms FILE`) and the guide elements
re-read with an edited synonym table, without crawling again.

Hidden markup is what hacked pages use to inject spam links: inline display:none,
visibility:hidden, font-size 0, off-screen absolute positioning, zero-size iframes, the `hidden`
attribute, and the same declarations on a class or id in the page's own <style> blocks.
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice
from urllib.parse import urlsplit

from lxml import etree

import config

from indicators.observations import Hidden, PageText

from .page import Page, text_of

MAX_TEXT = 200_000          # characters of visible text kept per page
MAX_SEGMENT = 500           # characters kept per hidden element
MAX_LINKS = 60              # links kept per hidden element / outbound list
MAX_PAIRS = 80              # labelled fields kept per page
MAX_LABEL = 16
MAX_VALUE = 80
MAX_MARKS = 20              # identity-mark links and images kept per page

_HIDING = [
    ("display:none", re.compile(r"display\s*:\s*none", re.I)),
    ("visibility:hidden", re.compile(r"visibility\s*:\s*hidden", re.I)),
    ("font-size:0", re.compile(r"font-size\s*:\s*0(?:\.0+)?(?:px|pt|em|rem|%)?\s*(?:;|$|!)", re.I)),
    ("off-screen", re.compile(r"(?:left|top|text-indent|margin-left|margin-top)\s*:\s*-\d{3,}", re.I)),
    ("size:0", re.compile(r"(?:^|;|\s)(?:width|height)\s*:\s*0(?:px)?\s*(?:;|$)[^\"]*overflow\s*:\s*hidden"
                          r"|overflow\s*:\s*hidden[^\"]*(?:^|;|\s)(?:width|height)\s*:\s*0(?:px)?\s*(?:;|$)",
                          re.I)),
]
# What every _HIDING pattern needs (matched the same way, re.I): most declarations hold none of it.
_MAY_HIDE = re.compile(r"none|hidden|font-size|-\d\d\d", re.I)
_OFFSET_DIGITS = re.compile(r"-\d\d\d")
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_SIMPLE_SELECTOR = re.compile(r"^(?:[a-z0-9]*)([.#])([\w-]+)$", re.I)
_LABEL_LINE = re.compile(r"^\s*([^：:\s]{2,%d})\s*[：:]\s*(.*)$" % MAX_LABEL, re.S)
_NUMBERING = re.compile(r"^[\s（(【\[]*(?:[一二三四五六七八九十]+|\d+)[、.．)）\]】]?\s*|[【】\[\]（）()\s]")
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6", "dt", "th"}
_ENUMERATOR = re.compile(r"^[\s（(]*([一二三四五六七八九十]+|\d+)[、.．)）]")
_LINE_TAGS = frozenset(("p", "li", "div", "dd", "span", "td"))
_BLOCK_TAGS = frozenset(("p", "div", "li", "table", "ul", "dl", "tr"))
_NOT_SHOWN_TAGS = frozenset(("script", "style", "noscript", "template", "head"))
_NOT_SHOWN = " or ".join(f"self::{tag}" for tag in sorted(_NOT_SHOWN_TAGS))
# nested (whether the body holds noscript/template/head) → its text nodes in document order,
# not-shown blocks left out, as plain strings (a "smart" string, which can name its parent, costs a
# Python object more per node). Without those blocks the parent test is enough (script and style
# hold text only) and 3-4× faster than the ancestors'.
# descendant::text(), not .//text() (descendant-or-self::node()/child::text()): the same nodes in
# the same order, which libxml2 finds in two thirds of the time.
_PLAIN_TEXTS = {
    False: etree.XPath("descendant::text()[not(parent::script or parent::style)]", smart_strings=False),
    True: etree.XPath(f"descendant::text()[not(ancestor::*[{_NOT_SHOWN}])]", smart_strings=False)}


def _maybe_hidden(classed: bool, nested: bool) -> etree.XPath:
    """The elements that could be hidden, in document order: with the hidden attribute or a style
    (with hiding classes in the page's <style>, a class or id too), and iframes; not a script,
    style … itself nor, when the body holds noscript/template/head, inside one (otherwise none is:
    script and style hold text only). Reached through their attributes, which libxml2 does in a
    third of the time it takes to test every element with a predicate."""
    shown = f"[not(ancestor::*[{_NOT_SHOWN}])]" if nested else ""
    attrs = ("hidden", "style", "class", "id") if classed else ("hidden", "style")
    having = " | ".join(f"descendant::*/@{a}" for a in attrs)
    return etree.XPath(f"({having})/parent::*[not({_NOT_SHOWN})]{shown} | descendant::iframe{shown}")


_MAYBE_HIDDEN = {(classed, nested): _maybe_hidden(classed, nested)
                 for classed in (False, True) for nested in (False, True)}


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _hiding_classes(page: Page) -> dict[str, str]:
    """'.cls' / '#id' → technique, from the page's own <style> blocks (simple selectors only)."""
    out: dict[str, str] = {}
    for style in page.tree.iter("style"):
        css = style.text or ""
        out.update(_hiding_selectors(css) if len(css) <= 32_768 else _read_hiding_selectors(css))
    return out


# Every page of a site repeats its template's <style> blocks; a huge one is read each time rather
# than kept.
@lru_cache(maxsize=128)
def _hiding_selectors(css: str) -> tuple[tuple[str, str], ...]:
    return _read_hiding_selectors(css)


def _read_hiding_selectors(css: str) -> tuple[tuple[str, str], ...]:
    """('.cls' / '#id', technique) of one <style> block, in order (a later rule wins)."""
    out = []
    for selectors, decl in _RULE.findall(css):
        how = _hiding(decl)
        if not how:
            continue
        for sel in selectors.split(","):
            m = _SIMPLE_SELECTOR.match(sel.strip())
            if m:
                out.append((m.group(1) + m.group(2), how))
    return tuple(out)


def _hiding(style: str) -> str | None:
    if not _may_hide(style):
        return None
    for how, pattern in _HIDING:
        if pattern.search(style):
            return how
    return None


def _may_hide(style: str) -> bool:
    """_MAY_HIDE.search, 4× faster on ASCII text (nearly all CSS), where re.I is plain lowercase."""
    if not style.isascii():
        return _MAY_HIDE.search(style) is not None
    low = style.lower()
    return "none" in low or "hidden" in low or "font-size" in low \
        or _OFFSET_DIGITS.search(style) is not None


def _hidden_how(el, classes: dict[str, str]) -> str | None:
    if el.get("hidden") is not None:
        return "hidden"
    style = el.get("style")
    if style and (how := _hiding(style)):
        return how
    if el.tag == "iframe":
        w, h = (el.get("width") or "").strip(), (el.get("height") or "").strip()
        if w in ("0", "0px", "1") or h in ("0", "0px", "1"):
            return "iframe 0×0"
    if classes:
        for token in (el.get("class") or "").split():
            if "." + token in classes:
                return classes["." + token] + f"（.{token}）"
        if el.get("id") and "#" + el.get("id") in classes:
            return classes["#" + el.get("id")] + f"（#{el.get('id')}）"
    return None


@lru_cache(maxsize=1024)   # a site's pages link the same few hosts over and over
def _hostname(url: str) -> str:
    return urlsplit(url).hostname or ""


def _links(el, page: Page) -> list[list[str]]:
    out = []
    for a in el.iter("a", "iframe"):
        href = page.resolve(a.get("href") if a.tag == "a" else a.get("src"))
        if href:
            out.append([_collapse(text_of(a))[:100], href])
            if len(out) >= MAX_LINKS:
                break
    return out


def page_text(page: Page) -> PageText:
    """Visible text, hidden segments, visible outbound links and labelled fields of one page."""
    # Whether the body holds noscript/template/head (rare): only then can an element or a text
    # sit in a not-shown block other than script and style.
    nested = next(page.body.iterdescendants("noscript", "template", "head"), None) is not None
    hidden, roots, inside = _hidden_segments(page, nested)
    outbound, marks = _links_and_marks(page, roots, inside)
    meta = page.meta_all
    keywords = " ".join(v for k, v in meta.items() if k.lower() in ("keywords", "description"))
    return PageText(title=page.title or "", keywords=keywords[:1000],
                    text=_visible_text(page, nested, roots), hidden=hidden,
                    outbound=outbound, pairs=labelled_fields(page, inside),
                    meta={k: v[:MAX_VALUE] for k, v in page.meta.items()}, marks=marks)


def _hidden_segments(page: Page, nested: bool) -> tuple[list[Hidden], set, set]:
    """Hidden subtrees (outside scripts and styles, not inside another hidden one), in document
    order: their segments, their roots, and every node inside them (roots included), which the
    other readers leave out with one set look-up instead of a climb through ancestors."""
    classes = _hiding_classes(page)
    hidden: list[Hidden] = []
    roots: set = set()
    inside: set = set()
    # libxml2 picks the few elements that could be hidden, in document order: one inside a
    # hidden subtree comes after its root.
    for el in _MAYBE_HIDDEN[bool(classes), nested](page.body):
        if el in inside:
            continue
        how = _hidden_how(el, classes)
        if how:
            roots.add(el)
            inside.update(el.iter())
            text = _collapse(text_of(el))
            links = _links(el, page)
            if text or links:
                hidden.append(Hidden(how, el.tag.lower(), text[:MAX_SEGMENT], links))
    return hidden, roots, inside


def _visible_text(page: Page, nested: bool, roots: set) -> str:
    """Text nodes in document order, scripts, styles and hidden subtrees left out (an element's
    tail is outside it), collapsed."""
    parts = _texts_outside(page.body, roots) if roots else _PLAIN_TEXTS[nested](page.body)
    return _collapse(" ".join(parts))[:MAX_TEXT]


def _texts_outside(body, roots: set) -> list[str]:
    """The texts of body in document order but those inside roots (hidden subtrees) and not-shown
    blocks: one walk stepping over those subtrees whole, a fifth faster than asking every text
    node of an XPath answer for its parent."""
    parts = []
    walker = etree.iterwalk(body, events=("start", "end", "comment", "pi"))
    for event, node in walker:
        if event == "start":
            if node in roots or node.tag in _NOT_SHOWN_TAGS:
                walker.skip_subtree()   # its "end" still comes: its tail is outside it
            elif node.text:
                parts.append(node.text)
        elif node is not body and node.tail:   # an element's end, a comment, a processing instruction
            parts.append(node.tail)
    return parts


def _links_and_marks(page: Page, roots: set, inside: set) -> tuple[list[list[str]], list[list[str]]]:
    """The visible links to other hosts ([text, href], a few per page; a link hidden itself is
    kept, one inside a hidden block is not) and the links and images that may be identity marks
    (党政机关网站标识, 找错 entry, 关怀版 …: [text or alt, href or src], a few per page, matched by
    config/identity.yaml's mark_candidates), from one walk over the links and images, each link's
    address resolved once for both."""
    parts = urlsplit(page.url)
    host = parts.hostname or ""
    # A link to the page's own host:port (most are) is passed without parsing its address.
    own = (f"http://{parts.netloc}/", f"https://{parts.netloc}/")
    wanted, literal = _mark_candidates(), _literal_marks()
    outbound: list[list[str]] = []
    marks: list[list[str]] = []
    for el in page.body.iter("a", "img"):
        link = el.tag == "a"
        href = page.resolve(el.get("href")) if link else None
        if link and len(outbound) < MAX_LINKS and href and not href.startswith(own) \
                and _hostname(href) != host and not (el in inside and el not in roots):
            outbound.append([_collapse(text_of(el))[:100], href])
        if len(marks) >= MAX_MARKS:
            if len(outbound) >= MAX_LINKS:
                break
            continue
        # A bare link (most are): its text is el.text alone, no image inside. The candidates hold
        # no whitespace, so they match the text + target _mark joins only if they match one of
        # the two: a link that matches neither is passed without building its text.
        if link and literal and len(el) == 0 \
                and not (wanted.search(el.text or "") or wanted.search(href or "")):
            continue
        if mark := _mark(el, link, href, page, wanted):
            marks.append(mark)
    return outbound, marks


def _mark(el, link: bool, href: str | None, page: Page, wanted) -> list[str] | None:
    """[text or alt, href or src] of a link (href: its address resolved) or an image outside one
    when mark_candidates matches them, else None."""
    if not link and next(el.iterancestors("a"), None) is not None:
        return None   # counted with its link
    imgs = list(el.iter("img"))   # an image's own iter gives itself
    alts = " ".join(i.get("alt") or "" for i in imgs)
    text = _collapse(f"{text_of(el) if link else ''} {alts}")[:MAX_VALUE]
    target = (href if link else page.resolve(el.get("src"))) or ""
    srcs = " ".join(i.get("src") or "" for i in imgs)
    return [text, target] if wanted.search(f"{text} {target} {srcs}") else None


@lru_cache(maxsize=1)
def _literal_marks() -> bool:
    """Whether mark_candidates is an alternation of plain words without whitespace (it is), which
    can only match inside one of the parts _mark joins with spaces."""
    return bool(re.fullmatch(r"[^\\\s.^$*+?{}\[\]()|]+(?:\|[^\\\s.^$*+?{}\[\]()|]+)*",
                             _mark_candidates().pattern))


@lru_cache(maxsize=1)
def _mark_candidates():
    return re.compile(config.load_yaml("identity.yaml")["mark_candidates"])


def _collapsed_head(text: str, size: int) -> str:
    """_collapse(text)[:size], collapsing only a few times size characters when they give enough
    (the words of a prefix, joined, are a prefix of the whole text's)."""
    head = _collapse(text[:size * 4])
    return head[:size] if len(head) >= size else _collapse(text)[:size]


def clean_label(text: str) -> str:
    """'一、受理条件：' → '受理条件'."""
    text = _collapse(text).rstrip("：:").strip()
    return _NUMBERING.sub("", text)


def labelled_fields(page: Page, skip: set = frozenset()) -> list[list[str]]:
    """[label, value] pairs a guide is written in: table rows (label cell, value cell), '标签：内容'
    lines, headings with the text up to the next heading, <dt>/<dd>, a label block beside its
    value block. skip: elements left out, every one inside them included (hidden subtrees)."""
    pairs: list[list[str]] = []
    kept: set[tuple[str, str]] = set()   # the same, for a look-up by hash, not a scan of the list

    def add(label: str, value: str, collapsed: bool = False) -> None:
        label = clean_label(label)
        if not 2 <= len(label) <= MAX_LABEL or len(pairs) >= MAX_PAIRS:
            return
        pair = (label, (value if collapsed else _collapse(value))[:MAX_VALUE])
        # A label line wrapped in <span><strong>… is read at every level: kept once.
        if pair not in kept:
            kept.add(pair)
            pairs.append(list(pair))

    with_colon = _holding_colon(page.body)
    # The first of exactly two children (where a label block may stand), noted at its parent: the
    # walk reaches the parent first, and a set look-up costs less than climbing back to it.
    firsts = set()
    outer = page.body.getparent()
    if outer is not None and len(outer) == 2:
        firsts.add(outer[0])
    for el in page.body.iter(etree.Element):   # elements only: no comment, no processing instruction
        if len(pairs) >= MAX_PAIRS:
            break
        if skip and el in skip:
            continue
        raw = el.tag
        tag = raw.lower()
        n = len(el)
        if n == 2:
            firsts.add(el[0])
        if tag == "tr":
            cells = [c for c in el if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")]
            for i in range(0, len(cells) - 1, 2):
                label = _collapse(text_of(cells[i]))
                if len(label) <= MAX_LABEL + 2:
                    add(label, text_of(cells[i + 1]))
        elif tag in _HEADINGS or (n == 1 and raw in ("p", "div") and _is_bold_line(el)):
            if el.getparent() is not None and el.getparent().tag == "tr":
                continue
            label = _collapse(text_of(el))
            if not label or len(label) > MAX_LABEL + 4:
                continue
            m = _LABEL_LINE.match(label)
            if m and m.group(2).strip():
                add(m.group(1), m.group(2))
                continue
            add(label, _following_text(el))
        elif tag in _LINE_TAGS and el in with_colon and not _has_block_child(el):
            m = _LABEL_LINE.match(_collapse(text_of(el)))
            if m and m.group(2).strip():
                # The rest of a collapsed line after the colon's spaces: collapsed already.
                add(m.group(1), m.group(2), collapsed=True)
            elif m:
                # "三、实施依据：" alone on its line: the value is in the paragraphs below it.
                add(m.group(1), _following_text(_block_of(el)))
        elif el in firsts and _is_label_block(el):
            add(text_of(el), text_of(el.getparent()[1]))
        if n >= 3:
            for label, value in _tab_pairs(el):
                add(label, value)
    return pairs


def _tab_label(el) -> str | None:
    """A tab's caption: a short text without digits or colon, in a block with no link to follow."""
    if next(islice(el.iter(), 4, None), None) is not None:   # more than 4 elements
        return None
    label = _collapse(text_of(el))
    if not 2 <= len(label) <= MAX_LABEL // 2 or any(c.isdigit() or c in "：:" for c in label):
        return None
    for a in el.iter("a"):
        href = (a.get("href") or "").strip().lower()
        if href and not href.startswith(("#", "javascript")):
            return None
    return label


def _tab_pairs(el) -> list[tuple[str, str]]:
    """Tabs: <ul><li>申请条件</li><li>申请材料</li>…</ul> and, after it, as many panels — the children
    of the next block, or the blocks that follow — each tab's content (shown by a click, so
    hidden panels count)."""
    # Most blocks are the last of their parent: no panels can follow (checked before the children
    # are listed).
    nxt = el.getnext()
    while nxt is not None and not isinstance(nxt.tag, str):
        nxt = nxt.getnext()
    if nxt is None:
        return []
    tabs = [c for c in el if isinstance(c.tag, str)]
    if len(tabs) < 3:
        return []
    # Where the panels would be first (cheap), the captions only then: most blocks of three or
    # more children (menus, lists, tables) have no panels after them.
    panels = _panels(nxt, len(tabs))
    if panels is None:
        return []
    labels = []
    for c in tabs:   # a menu's first linked entry ends it
        label = _tab_label(c)
        if label is None:
            return []
        labels.append(label)
    return [(label, text_of(panel)) for label, panel in zip(labels, panels)]


def _panels(nxt, count: int) -> list | None:
    """The panels of count tabs whose next block is nxt: its children, when it has as many, or
    count blocks of one tag from nxt on; None when neither."""
    if len(nxt) >= count:   # len counts comments too: a first, cheap bound
        inside = [c for c in nxt if isinstance(c.tag, str)]
        if len(inside) == count:
            return inside
    panels = [nxt]
    for sib in nxt.itersiblings():   # stops at the first block of another tag
        if len(panels) == count:
            break
        if isinstance(sib.tag, str):
            if sib.tag != nxt.tag:
                return None
            panels.append(sib)
    return panels if len(panels) == count else None


def _is_label_block(el) -> bool:
    """<div><span>办理地点</span><span>县政务服务中心</span></div>: the first of exactly two blocks,
    a short label without colon, digits or link, the second its value."""
    parent = el.getparent()
    if parent is None or len(parent) != 2 or parent[0] is not el or el.tag == "a" \
            or not isinstance(parent[1].tag, str) or (parent.text or "").strip() \
            or (el.tail or "").strip() or parent.tag.lower() in ("tr", "ul", "ol", "table"):
        return False
    label = _collapse(text_of(el))
    return 2 <= len(label) <= MAX_LABEL // 2 and not any(c.isdigit() for c in label) \
        and next(el.iter("a"), None) is None   # (el itself is no <a>: checked above)


def _holding_colon(body) -> set:
    """The elements whose text holds a colon (most hold none): only those are worth collapsing
    into text and matching against 标签：内容. One walk reading each node's text and tail in
    Python costs half what libxml2 takes to copy out every text node's value for an XPath test."""
    out: set = set()
    for node in body.iter():
        text = node.text
        if text and ("：" in text or ":" in text) and isinstance(node.tag, str):
            el = node           # a comment's or processing instruction's .text is not text
        else:
            text = node.tail    # a tail is text of the parent (the body's own is outside it)
            if not (text and ("：" in text or ":" in text)) or node is body:
                continue
            el = node.getparent()
        while el is not None and el not in out:
            out.add(el)
            el = el.getparent()
    return out


def _is_bold_line(el) -> bool:
    """<p><strong>申请条件</strong></p>: a paragraph that is only a bold label."""
    if el.tag not in ("p", "div") or len(el) != 1 or (el.text or "").strip():
        return False
    child = el[0]
    return isinstance(child.tag, str) and child.tag in ("strong", "b") and not (child.tail or "").strip()


def _has_block_child(el) -> bool:
    for child in el:   # a loop, not any(generator): called for every line holding a colon
        tag = child.tag
        if isinstance(tag, str) and tag.lower() in _BLOCK_TAGS:
            return True
    return False


def _block_of(el):
    """The outermost element holding just el's text (<p><span><strong>三、实施依据：…)."""
    text = _collapse(text_of(el))
    while el.getparent() is not None and el.getparent().tag != "body" \
            and _collapse(text_of(el.getparent())) == text:
        el = el.getparent()
    return el


def _enumerator(text: str) -> str:
    """How a line is numbered: 'cn' (十七、), 'digit' (1、 2.) or ''."""
    m = _ENUMERATOR.match(text)
    return ("digit" if m.group(1)[0].isdigit() else "cn") if m else ""


def _is_label_line(el, numbering: str) -> bool:
    """A sibling that starts the next field: "十八、收费标准：不收费" numbered like the label it
    follows, or any line led by a bold "标签：". Value lines ("1、身份证原件") are neither."""
    # Both matches below end before the colon, within the label line's first characters: only
    # those are collapsed (a sibling is often a long paragraph).
    text = _collapsed_head(text_of(el), MAX_LABEL + 2)
    if not _LABEL_LINE.match(text):
        return False
    if numbering and _enumerator(text) == numbering:
        return True
    first = next((t for t in el.itertext() if t.strip()), "")
    bold = next((b for b in el.iter("strong", "b") if first in "".join(b.itertext())), None)
    return bold is not None and _collapse(text_of(bold)).endswith(("：", ":"))


def _following_text(el) -> str:
    """Text after a heading or a lone label up to the next heading-like or labelled sibling (a
    <dt>'s <dd>s; the paragraphs under "十六、申请材料：" up to "十七、办理流程："). A block that
    shows only a picture (a flow chart) is content too."""
    out = []
    numbering = _enumerator(_collapse(text_of(el)))
    for sib in el.itersiblings():
        if not isinstance(sib.tag, str):
            continue
        if sib.tag.lower() in _HEADINGS or _is_bold_line(sib) or _is_label_line(sib, numbering):
            break
        text = text_of(sib)
        if not text.strip() and (sib.tag == "img" or sib.find(".//img") is not None):
            text = "[图片]"
        out.append(text)
        if sum(map(len, out)) > MAX_VALUE:
            break
    if not out and el.tail:
        out.append(el.tail)
    return " ".join(out)
