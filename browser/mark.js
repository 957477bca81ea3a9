// Find and mark on the page what a finding is about; returns {selector, box, found} or null.
// Runs inside the page (Playwright's page.evaluate), so it uses only the DOM.
(spec) => {
  const RED = "4px solid #e00000";
  const style = (el, css) => { for (const [k, v] of Object.entries(css)) el.style.setProperty(k, v, "important"); };
  const path = (el) => {            // a CSS path a person can paste into the browser's console
    const parts = [];
    for (; el && el.nodeType === 1 && el !== document.documentElement; el = el.parentElement) {
      if (el.id) { parts.unshift("#" + CSS.escape(el.id)); break; }
      let n = 1;
      for (let s = el.previousElementSibling; s; s = s.previousElementSibling) if (s.tagName === el.tagName) n++;
      parts.unshift(el.tagName.toLowerCase() + ":nth-of-type(" + n + ")");
    }
    return parts.join(" > ");
  };
  const box = (el) => {              // where it is in the picture (the viewport, once scrolled)
    const r = el.getBoundingClientRect();
    return {x: Math.round(r.left), y: Math.round(r.top), width: Math.round(r.width),
            height: Math.round(r.height)};
  };
  const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const strip = (u) => (u || "").split("#")[0];
  // The smallest element whose own text holds one of the needles (first needle found wins).
  const holding = (needles) => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (const needle of needles) {
      walker.currentNode = document.body;
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const at = n.nodeValue.indexOf(needle);
        if (at >= 0 && n.parentElement && !["SCRIPT", "STYLE"].includes(n.parentElement.tagName))
          return {node: n, at, needle};
      }
    }
    return null;
  };
  const listBox = (el) => {         // the list a row belongs to: ul/ol/table/dl, or a block of rows
    for (let p = el; p && p !== document.body; p = p.parentElement) {
      if (["UL", "OL", "TABLE", "DL"].includes(p.tagName)) return p;
      if (p.parentElement && p.parentElement.querySelectorAll(":scope > *").length >= 3
          && p.parentElement.querySelectorAll("a").length >= 3) return p.parentElement;
    }
    return el;
  };
  let el = null, outline = null, sel = null;
  if (spec.link) {                  // the anchor (or image) pointing at the dead target
    const want = strip(spec.link);
    for (const a of document.querySelectorAll("a[href], area[href], img[src], link[href], iframe[src]")) {
      if (strip(a.href || a.src) === want) { el = a; if (visible(a)) break; }
    }
    if (el && !visible(el) && el.parentElement) el = el.parentElement;
    outline = el;
  } else if (spec.dates) {           // a stale column: its list, newest date highlighted
    const hit = holding(spec.dates);
    if (hit) {
      el = hit.node.parentElement;
      style(el, {"background-color": "#ffe600", "outline": "3px solid #e00000"});
      outline = listBox(el);
    } else if (spec.blank) {
      const b = holding(spec.blank);
      if (b) outline = el = b.node.parentElement;
    }
  } else if (spec.term) {            // a misspelt term: its text block, the term marked
    const hit = holding([spec.term]);
    if (hit) {
      const range = document.createRange();
      range.setStart(hit.node, hit.at);
      range.setEnd(hit.node, hit.at + hit.needle.length);
      const mark = document.createElement("mark");
      style(mark, {"background-color": "#ffe600", "color": "#c00000", "font-weight": "bold",
                   "outline": "2px solid #e00000"});
      range.surroundContents(mark);
      el = mark;
      outline = mark.closest("p, li, td, div, article, section") || mark;
    }
  } else if (spec.hidden) {          // a hacked page: the hidden element holding the spam, revealed
    // the outermost element holding it that is itself hidden (display:none, visibility, opacity,
    // a tiny font, pushed off the page)
    for (const e of document.body.querySelectorAll("*")) {
      if (!(e.textContent || "").includes(spec.hidden)) continue;
      const cs = getComputedStyle(e), r = e.getBoundingClientRect();
      if (cs.display === "none" || cs.visibility === "hidden" || parseFloat(cs.opacity) === 0
          || parseFloat(cs.fontSize) < 2 || r.right < 0 || r.bottom < 0
          || (cs.overflow === "hidden" && (r.width < 2 || r.height < 2))) { el = e; break; }
    }
    if (el) {
      for (let p = el; p && p !== document.body; p = p.parentElement)
        style(p, {"display": getComputedStyle(p).display === "none" ? "block" : getComputedStyle(p).display,
                  "visibility": "visible", "opacity": "1"});
      style(el, {"position": "relative", "left": "auto", "top": "auto", "text-indent": "0",
                 "font-size": "16px", "height": "auto", "width": "auto", "overflow": "visible",
                 "background-color": "#fff0f0", "color": "#c00000"});
      outline = el;
      sel = path(el);                // before the banner shifts its place among its siblings
      const banner = document.createElement("div");
      banner.textContent = "【以下为网页中隐藏的内容，已由检查工具显示】";
      style(banner, {"color": "#fff", "background": "#e00000", "font-size": "16px", "padding": "4px"});
      el.parentElement.insertBefore(banner, el);
    }
  }
  if (!outline) return null;
  style(outline, {"outline": RED, "outline-offset": "2px"});
  outline.scrollIntoView({block: "center", inline: "nearest"});
  return {selector: sel || path(el || outline), box: box(outline)};
}
