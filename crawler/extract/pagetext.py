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
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_SIMPLE_SELECTOR = re.compile(r"^(?:[a-z0-9]*)([.#])([\w-]+)$", re.I)
_LABEL_LINE = re.compile(r"^\s*([^：:\s]{2,%d})\s*[：:]\s*(.*)$" % MAX_LABEL, re.S)
_NUMBERING = re.compile(r"^[\s（(【\[]*(?:[一二三四五六七八九十]+|\d+)[、.．)）\]】]?\s*|[【】\[\]（）()\s]")
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6", "dt", "th"}
_ENUMERATOR = re.compile(r"^[\s（(]*([一二三四五六七八九十]+|\d+)[、.．)）]")
_LINE_TAGS = ("p", "li", "div", "dd", "span", "td")
_NOT_SHOWN = "self::script or self::style or self::noscript or self::template or self::head"
_VISIBLE_TEXTS = etree.XPath(f".//text()[not(ancestor::*[{_NOT_SHOWN}])]")
# The same, 3-4× faster, when the body holds no noscript/template/head: script and style hold text only.
_TEXTS_OUTSIDE_SCRIPTS = etree.XPath(".//text()[not(parent::script or parent::style)]")
_MAYBE_HIDDEN = etree.XPath(f".//*[@hidden or @style or self::iframe]"
                            f"[not({_NOT_SHOWN})][not(ancestor::*[{_NOT_SHOWN}])]")
# With hiding classes in the page's <style>, any element with a class or id may be hidden.
_MAYBE_HIDDEN_CLASSED = etree.XPath(f".//*[@hidden or @style or self::iframe or @class or @id]"
                                    f"[not({_NOT_SHOWN})][not(ancestor::*[{_NOT_SHOWN}])]")
# The same two as plain strings, for a page with nothing hidden (most): a "smart" string, which
# can name its parent, costs a Python object more per text node and is only needed to leave
# hidden subtrees out.
_PLAIN_TEXTS = {False: etree.XPath(_TEXTS_OUTSIDE_SCRIPTS.path, smart_strings=False),
                True: etree.XPath(_VISIBLE_TEXTS.path, smart_strings=False)}
_COLON_TEXTS = etree.XPath(".//text()[contains(., '：') or contains(., ':')]")


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _hiding_classes(page: Page) -> dict[str, str]:
    """'.cls' / '#id' → technique, from the page's own <style> blocks (simple selectors only)."""
    out: dict[str, str] = {}
    for style in page.tree.iter("style"):
        for selectors, decl in _RULE.findall(style.text or ""):
            how = _hiding(decl)
            if not how:
                continue
            for sel in selectors.split(","):
                m = _SIMPLE_SELECTOR.match(sel.strip())
                if m:
                    out[m.group(1) + m.group(2)] = how
    return out


def _hiding(style: str) -> str | None:
    for how, pattern in _HIDING:
        if pattern.search(style):
            return how
    return None


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


def _inside(el, roots: set) -> bool:
    """Whether el is one of roots or inside one."""
    while el is not None:
        if el in roots:
            return True
        el = el.getparent()
    return False


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
    classes = _hiding_classes(page)
    hidden: list[Hidden] = []
    hidden_roots: set = set()
    host = urlsplit(page.url).hostname or ""

    # Hidden subtrees (outside scripts and styles, not inside another hidden one), in document
    # order; libxml2 picks the few elements that could be hidden.
    find = _MAYBE_HIDDEN_CLASSED if classes else _MAYBE_HIDDEN
    for el in find(page.body):
        if hidden_roots and _inside(el.getparent(), hidden_roots):
            continue
        how = _hidden_how(el, classes)
        if how:
            hidden_roots.add(el)
            text = _collapse(text_of(el))
            links = _links(el, page)
            if text or links:
                hidden.append(Hidden(how, el.tag.lower(), text[:MAX_SEGMENT], links))
    # Text nodes in document order, scripts, styles and hidden subtrees left out (an element's
    # tail is outside it).
    nested = any(page.body.find(f".//{tag}") is not None for tag in ("noscript", "template", "head"))
    if not hidden_roots:
        parts = _PLAIN_TEXTS[nested](page.body)
    else:
        parts = (_VISIBLE_TEXTS if nested else _TEXTS_OUTSIDE_SCRIPTS)(page.body)
        parts = [t for t in parts
                 if not _inside(t.getparent().getparent() if t.is_tail else t.getparent(),
                                hidden_roots)]
    outbound = []
    for a in page.body.iter("a"):
        if len(outbound) >= MAX_LINKS:
            break
        href = page.resolve(a.get("href"))
        if not href or _hostname(href) == host:
            continue
        if hidden_roots and any(anc in hidden_roots for anc in a.iterancestors()):
            continue
        outbound.append([_collapse(text_of(a))[:100], href])
    meta = page.meta_all
    keywords = " ".join(v for k, v in meta.items() if k.lower() in ("keywords", "description"))
    return PageText(title=page.title or "", keywords=keywords[:1000],
                    text=_collapse(" ".join(parts))[:MAX_TEXT], hidden=hidden, outbound=outbound,
                    pairs=labelled_fields(page, hidden_roots),
                    meta={k: v[:MAX_VALUE] for k, v in page.meta.items()},
                    marks=identity_marks(page))


def identity_marks(page: Page) -> list[list[str]]:
    """Links and images that may be identity marks (党政机关网站标识, 找错 entry, 关怀版 …): [text or
    alt, href or src], a few per page, matched by config/identity.yaml's mark_candidates."""
    wanted = _mark_candidates()
    literal = _literal_marks()
    out = []
    for el in page.body.iter("a", "img"):
        if el.tag == "img":
            if any(a.tag == "a" for a in el.iterancestors()):
                continue   # counted with its link
        elif literal and len(el) == 0:
            # A bare link (most are): its text is el.text alone, no image inside. The candidates
            # hold no whitespace, so they match the text + target below only if they match one of
            # the two: a link that matches neither is passed without building its text.
            if not (wanted.search(el.text or "") or wanted.search(page.resolve(el.get("href")) or "")):
                continue
        alts = " ".join(i.get("alt") or "" for i in el.iter("img"))
        text = _collapse(f"{text_of(el) if el.tag == 'a' else ''} {alts}")[:MAX_VALUE]
        target = page.resolve(el.get("href") if el.tag == "a" else el.get("src")) or ""
        srcs = " ".join(i.get("src") or "" for i in el.iter("img"))
        if wanted.search(f"{text} {target} {srcs}"):
            out.append([text, target])
            if len(out) >= MAX_MARKS:
                break
    return out


@lru_cache(maxsize=1)
def _literal_marks() -> bool:
    """Whether mark_candidates is an alternation of plain words without whitespace (it is), which
    can only match inside one of the parts identity_marks joins with spaces."""
    return bool(re.fullmatch(r"[^\\\s.^$*+?{}\[\]()|]+(?:\|[^\\\s.^$*+?{}\[\]()|]+)*",
                             _mark_candidates().pattern))


@lru_cache(maxsize=1)
def _mark_candidates():
    return re.compile(config.load_yaml("identity.yaml")["mark_candidates"])


def clean_label(text: str) -> str:
    """'一、受理条件：' → '受理条件'."""
    text = _collapse(text).rstrip("：:").strip()
    return _NUMBERING.sub("", text)


def labelled_fields(page: Page, skip: set = frozenset()) -> list[list[str]]:
    """[label, value] pairs a guide is written in: table rows (label cell, value cell), '标签：内容'
    lines, headings with the text up to the next heading, <dt>/<dd>, a label block beside its
    value block."""
    pairs: list[list[str]] = []

    def add(label: str, value: str) -> None:
        label = clean_label(label)
        pair = [label, _collapse(value)[:MAX_VALUE]]
        # A label line wrapped in <span><strong>… is read at every level: kept once.
        if 2 <= len(label) <= MAX_LABEL and len(pairs) < MAX_PAIRS and pair not in pairs:
            pairs.append(pair)

    with_colon = _holding_colon(page.body)
    for el in page.body.iter(etree.Element):   # elements only: no comment, no processing instruction
        if len(pairs) >= MAX_PAIRS:
            break
        if skip and (el in skip or any(a in skip for a in el.iterancestors())):
            continue
        tag = el.tag.lower()
        if tag == "tr":
            cells = [c for c in el if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")]
            for i in range(0, len(cells) - 1, 2):
                label = _collapse(text_of(cells[i]))
                if len(label) <= MAX_LABEL + 2:
                    add(label, text_of(cells[i + 1]))
        elif tag in _HEADINGS or (el.tag in ("p", "div") and _is_bold_line(el)):
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
            if m:
                # "三、实施依据：" alone on its line: the value is in the paragraphs below it.
                add(m.group(1), m.group(2) if m.group(2).strip() else _following_text(_block_of(el)))
        elif (parent := el.getparent()) is not None and len(parent) == 2 and parent[0] is el \
                and _is_label_block(el):
            add(text_of(el), text_of(parent[1]))
        if len(el) >= 3:
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
    tabs = [c for c in el if isinstance(c.tag, str)]
    if len(tabs) < 3:
        return []
    # Where the panels would be first (cheap), the captions only then: most blocks of three or
    # more children (menus, lists, tables) have no panels after them.
    following = list(islice((s for s in el.itersiblings() if isinstance(s.tag, str)), len(tabs)))
    if not following:
        return []
    inside = [c for c in following[0] if isinstance(c.tag, str)]
    if len(inside) == len(tabs):
        panels = inside
    elif len(following) >= len(tabs) and len({s.tag for s in following[:len(tabs)]}) == 1:
        panels = following[:len(tabs)]
    else:
        return []
    labels = []
    for c in tabs:   # a menu's first linked entry ends it
        label = _tab_label(c)
        if label is None:
            return []
        labels.append(label)
    return [(label, text_of(panel)) for label, panel in zip(labels, panels)]


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
        and el.find(".//a") is None


def _holding_colon(body) -> set:
    """The elements whose text holds a colon (most hold none): only those are worth collapsing
    into text and matching against 标签：内容. libxml2 finds the few text nodes with one."""
    out: set = set()
    for text in _COLON_TEXTS(body):
        el = text.getparent()
        if text.is_tail:
            el = el.getparent()
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
    return any(isinstance(c.tag, str) and c.tag.lower() in ("p", "div", "li", "table", "ul", "dl", "tr")
               for c in el)


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
    text = _collapse(text_of(el))
    if not _LABEL_LINE.match(text[:MAX_LABEL + 2]):
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
