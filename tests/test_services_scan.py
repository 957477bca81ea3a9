"""Pure scans on fixtures, no network: page text and hidden markup, guide elements, misspelt
protected terms, hacked-page scoring, the review bookkeeping and the demo-sized scan time."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

import config
from crawler.extract.page import parse_page
from crawler.extract.pagetext import page_text
from scoring.review import apply_reviews
from samplefarm.spec_services import CLEAN_BODIES
from indicators.findings import Finding
from indicators.guides import read_guide
from indicators.observations import Column, Item, PageText, SiteObservations
from indicators.serious import mark_seen_before, recount, serious_errors
from indicators.spam import SpamScanner, spam_scanner
from indicators.termscan import TermScanner, TermsFileError, read_terms_file, scanner

FIX = Path(__file__).parent / "fixtures" / "services"
GUIDES = config.load_yaml("services/guide_elements.yaml")


def parsed(name: str, url: str = "http://127.0.1.31/a.html"):
    return page_text(parse_page((FIX / name).read_text(encoding="utf-8"), url))


# ---- page text -------------------------------------------------------------------------------
def test_hidden_markup_is_kept_apart_from_visible_text():
    pt = parsed("hacked_article.html")
    assert "游客满意度稳步提升" in pt.text
    assert "百家乐" not in pt.text and "真人娱乐" not in pt.text
    hows = {(h.how, h.tag) for h in pt.hidden}
    assert hows == {("off-screen（.hd9）", "div"), ("display:none", "div"), ("iframe 0×0", "iframe")}
    hidden_links = {href for h in pt.hidden for _, href in h.links}
    assert "http://127.0.1.99/?go=baijiale" in hidden_links
    assert "http://127.0.1.98/bocai.html" in hidden_links


# ---- guides ----------------------------------------------------------------------------------
def test_guide_table_with_empty_cells():
    g = read_guide("u", "t", parsed("guide_table.html"), GUIDES)
    assert g.present == {"name", "basis", "condition", "materials", "place", "process"}
    assert g.empty == {"time", "phone"}          # a blank cell and "无"


def test_guide_headed_sections_synonyms_and_dl():
    g = read_guide("u", "t", parsed("guide_headings.html"), GUIDES)
    assert g.present == {"name", "basis", "materials", "place", "process"}
    assert g.empty == {"phone"}                   # 咨询电话: 暂无


def guide_of(body: str):
    return read_guide("u", "t", page_text(parse_page(f"<html><body>{body}</body></html>",
                                                      "http://127.0.1.31/bszn/1.html")), GUIDES)


def test_guide_in_four_cell_rows_label_blocks_and_long_labels():
    """Layouts of 政务服务网 guides: two label/value pairs per table row, a label <span> beside its
    value <span> (no colon), and labels that end with a synonym (申请受理条件, 网上办理流程) or name
    the basis 法定依据. Before, condition, basis and every span-drawn element were missing."""
    g = guide_of("""<table><tr><td>事项名称：</td><td>营业执照遗失补领</td><td>事项类型：</td><td>行政许可</td></tr>
      <tr><td>办理时间：</td><td>工作日 9:00-16:30</td><td>咨询电话：</td><td>021-63529090</td></tr>
      <tr><td>申请受理条件：</td><td colspan="3">申请材料齐全，形式符合要求</td></tr></table>
      <div class="item"><span>法定依据</span><span>《中华人民共和国行政许可法》</span></div>
      <div class="item"><span>办理地点</span><span>县政务服务中心3号窗口</span></div>
      <div class="item"><span>网上办理流程</span><span>申请、受理、审核、办结</span></div>
      <div class="item"><span>注意事项</span><span>请携带原件</span></div>""")
    assert g.present == {"name", "time", "phone", "condition", "basis", "place", "process"}
    assert g.empty == set()         # 办理材料 is not there at all: missing, not empty


def test_lone_label_lines_take_the_paragraphs_below_up_to_the_next_field():
    """A rich-text guide: "三、申请材料：" alone, its items below (one with a colon of its own), then
    "四、办理流程：" with nothing before "五、收费标准：" — materials present, process empty."""
    g = guide_of("""<p>一、事项名称：企业退休人员档案关系接收</p><p>三、申请材料：</p>
      <p>1、申请书：原件一份</p><p>2、身份证复印件</p><p>四、办理流程：</p><p>五、收费标准：不收费</p>
      <p><b>办理时间：</b></p><p>工作日：9:00-17:00</p><p><b>办理地点：</b>县政务服务中心</p>""")
    assert g.present == {"name", "materials", "time", "place"}
    assert g.empty == {"process"}


def test_guide_in_tabs_pairs_each_caption_with_its_panel():
    """政务服务网 guides put each element under a tab: the captions in one block, the panels after
    it (hidden until clicked). A menu of links or a panel count that differs pairs nothing."""
    g = guide_of("""<ul class="tab"><li>申请条件</li><li>申请材料</li><li>办理流程</li><li>办理地点</li></ul>
      <div class="panel"><p>具有完全民事行为能力的自然人</p></div>
      <div class="panel" style="display:none"><p>身份证原件</p></div>
      <div class="panel" style="display:none"><p>受理、审核、办结</p></div>
      <div class="panel" style="display:none"><p>暂无</p></div>""")
    assert (g.present, g.empty) == ({"condition", "materials", "process"}, {"place"})
    g = guide_of("""<ul><li><a href="/bszn/">办事指南</a></li><li><a href="/bszn/tj/">申请条件</a></li>
      <li><a href="/bszn/cl/">申请材料</a></li></ul><div>甲</div><div>乙</div><div>丙</div>""")
    assert (g.present, g.empty) == (set(), set())


def test_guide_elements_counted_per_category_with_the_guides_lacking_them():
    full = [["事项名称", "甲"], ["设定依据", "乙"], ["申请条件", "丙"], ["办理材料", "丁"],
            ["办理地点", "戊"], ["办理时间", "己"], ["联系电话", "庚"], ["办理流程", "辛"]]
    lacking = [p for p in full if p[0] not in ("设定依据", "办理流程")]
    obs = SiteObservations("X", "http://x/", True, columns=[Column(
        "http://x/bszn/", "办事指南", "guide",
        items=[Item("甲指南", "http://x/1.html"), Item("乙指南", "http://x/2.html")])],
        pages={"http://x/1.html": PageText(pairs=full), "http://x/2.html": PageText(pairs=lacking),
               "http://x/news.html": PageText(pairs=[["发布时间", "2026"], ["来源", "本站"]])})
    from indicators.guides import missing_elements
    count, findings = missing_elements(obs, GUIDES)
    assert count == 2
    assert [(f.title, f.url) for f in findings] == [("设定依据", "http://x/2.html"),
                                                  ("办理流程", "http://x/2.html")]
    assert "乙指南（http://x/2.html）" in findings[0].evidence


# ---- misspelt protected terms ----------------------------------------------------------------
@pytest.mark.parametrize("text, found, term, how", [
    ("转发中华人民共合国国务院令", "中华人民共合国", "中华人民共和国", "homophone"),
    ("国务阮办公厅关于印发", "国务阮办公厅", "国务院办公厅", "homophone"),
    ("学习习近平总书纪重要讲话", "习近平总书纪", "习近平总书记", "homophone"),
    ("中国共党第二十次全国代表大会", "中国共党", "中国共产党", "drop"),
    ("全国人民代表大会常务委会议", None, None, None),        # not a protected term
    ("中华人民和共国宪法", "中华人民和共国", "中华人民共和国", "swap"),
    ("国务院办公厅印发通知", None, None, None),
])
def test_near_misses(text, found, term, how):
    hits = scanner().scan(text)
    if found is None:
        assert hits == []
    else:
        assert [(h.found, h.term, h.how) for h in hits] == [(found, term, how)]


def test_clean_text_full_of_near_misses_stays_clean():
    text = " ".join(p for body in CLEAN_BODIES for p in body) * 3
    assert scanner().scan(text) == []
    assert spam_scanner().scan(PageText(text=text)).score == 0


def test_homophones_read_as_pypinyin_reads_them():
    """termscan reads pypinyin's character table itself (importing pypinyin loads its phrase
    dictionary, ≈ 55 MB): the readings, and so the homophones, are exactly pypinyin's."""
    import string
    from pypinyin import Style, pinyin
    from pypinyin.pinyin_dict import pinyin_dict
    from indicators import termscan
    chars = {chr(code) for code in pinyin_dict} | set(string.ascii_letters + string.digits + "·－（")
    theirs = {ch: frozenset(pinyin(ch, style=Style.NORMAL, heteronym=True)[0]) for ch in chars}
    assert {ch: termscan._readings().get(ch, frozenset(ch)) for ch in chars} == theirs
    index: dict[str, set[str]] = {}
    for ch, readings in theirs.items():
        if termscan._common(ch):
            for r in readings:
                index.setdefault(r, set()).add(ch)
    assert termscan._homophone_index() == {k: frozenset(v) for k, v in index.items()}
    assert "院" in termscan.homophones("阮")             # 国务阮 for 国务院
    assert termscan.homophones("a") == index["a"]      # pypinyin reads a Latin letter as itself


def test_users_own_terms(tmp_path):
    f = tmp_path / "terms.txt"
    f.write_text("# 本省\n华阳省人民政府\n王建国省长\n", encoding="utf-8")
    terms = read_terms_file(f)
    s = TermScanner(terms, (), config.load_yaml("services/serious.yaml")["terms"])
    assert [(h.found, h.term) for h in s.scan("华杨省人民政府召开常务会议，王建国省长主持")] == \
        [("华杨省人民政府", "华阳省人民政府")]
    f.write_text("华阳省\n王 建国\n", encoding="utf-8")
    with pytest.raises(TermsFileError, match="第 2 行“王 建国”"):
        read_terms_file(f)


# ---- hacked pages ----------------------------------------------------------------------------
def test_hidden_spam_flags_a_page_a_crackdown_story_does_not():
    spam = SpamScanner()
    hacked = spam.scan(parsed("hacked_article.html"), "127.0.1.31")
    assert spam.is_hacked(hacked) and hacked.category() == "赌博"
    assert {h.place for h in hacked.hits} == {"hidden"}
    story = PageText(title="我县开展打击网络赌博专项行动",
                     text="近日，我县公安机关开展打击网络赌博专项行动，查处利用网站发布博彩广告的违法犯罪行为，"
                          "提醒群众警惕“百家乐”等赌博陷阱。")
    assert spam.scan(story).score == 0
    replaced = PageText(title="澳门新葡京娱乐城-百家乐-真人视讯", text="正常内容")
    assert spam.is_hacked(spam.scan(replaced))


def test_serious_findings_one_per_misspelling_with_snippet():
    obs = SiteObservations("X", "http://x/", True, pages={
        "http://x/": PageText(title="首页", text="通知：转发国务阮办公厅关于加强政务公开的通知"),
        "http://x/a.html": PageText(title="转发国务阮办公厅关于加强政务公开的通知", text="正文")})
    n, findings = serious_errors(obs, scanner(), spam_scanner(), 6)
    assert n == {"serious_errors": 1, "serious_misstatements": 1, "hacked_pages": 0,
                 "hacked_pages_unhandled": 0}
    f = findings[0]
    assert (f.url, f.term, f.measure) == ("http://x/", "国务阮办公厅", "serious_misstatements")
    assert "疑为“国务院办公厅”之误（同音字）：通知：转发国务阮办公厅关于加强政务…" in f.evidence
    assert "另见 1 个页面" in f.evidence


# ---- review bookkeeping ----------------------------------------------------------------------
class _Decision:
    def __init__(self, decision, reviewer="张三"):
        from datetime import datetime
        self.decision, self.reviewer, self.decided_at = decision, reviewer, datetime(2026, 11, 25, 9, 30)   # stored in UTC, shown in 北京时间


def test_apply_reviews_dismiss_lowers_the_count_confirm_marks():
    fs = [Finding("misspelt_term", "serious_errors", "http://x/a", "e1", term="国务阮"),
          Finding("misspelt_term", "serious_errors", "http://x/b", "e2", term="习近平总书纪"),
          Finding("dead_link", "dead_links_other", "http://x/c", "HTTP 404")]
    m = {"serious_errors": 2, "dead_links_other": 1}
    known = {("X", "http://x/a", "国务阮"): _Decision("dismissed"),
             ("X", "http://x/b", "习近平总书纪"): _Decision("confirmed")}
    kept = apply_reviews("X", m, fs, {"serious_errors"}, known)
    assert m == {"serious_errors": 1, "dead_links_other": 1}
    assert [(f.url, f.review, f.reviewer) for f in kept] == [
        ("http://x/b", "已确认", "张三 2026-11-25 17:30"), ("http://x/c", "", "")]
    fresh = [Finding("misspelt_term", "serious_errors", "http://x/a", "e1", term="国务阮")]
    assert apply_reviews("Y", {"serious_errors": 1}, fresh, {"serious_errors"}, known)[0].review \
        == "待人工确认"


def test_hacked_page_unhandled_only_when_confirmed_or_found_again():
    """安全、泄密事故等严重问题 part 4 needs 没有及时有效处置: a hacked page an official confirmed,
    or one an earlier audit already found; a first sighting nobody reviewed is undecided."""
    def hacked(url, review=""):
        return Finding("hacked_page", "hacked_pages", url, "疑似被植入赌博内容", term="百家乐",
                       review=review)
    misspelt = Finding("misspelt_term", "serious_misstatements", "http://x/m", "e", term="国务阮")
    first = recount([misspelt, hacked("http://x/a", "待人工确认")])
    assert first == {"serious_errors": 2, "serious_misstatements": 1, "hacked_pages": 1,
                     "hacked_pages_unhandled": None}
    assert recount([hacked("http://x/a", "已确认")])["hacked_pages_unhandled"] == 1
    assert recount([hacked("http://x/a", "待人工确认")],
                   {("http://x/a", "百家乐")})["hacked_pages_unhandled"] == 1
    # one found again, one new and unreviewed: the one found again is enough to decide
    assert recount([hacked("http://x/a", "待人工确认"), hacked("http://x/b", "待人工确认")],
                   {("http://x/a", "百家乐")})["hacked_pages_unhandled"] == 1
    assert recount([misspelt])["hacked_pages_unhandled"] == 0
    found = [hacked("http://x/a", "待人工确认"), hacked("http://x/b", "待人工确认")]
    mark_seen_before(found, {("http://x/a", "百家乐"): "2026-11-22"})
    assert [f.evidence for f in found] == ["疑似被植入赌博内容（2026-11-22 的检查已发现，至今未处置）",
                                           "疑似被植入赌博内容"]


# ---- speed (measured, printed; not asserted) -------------------------------------------------
def test_scan_speed_on_demo_sized_text(capsys):
    """About the demo's text volume (~900 pages of ~2,000 characters); the figure goes to the README."""
    pages = {f"http://x/{i}.html": PageText(title=f"第{i}页", text=" ".join(CLEAN_BODIES[i % 3]) * 4)
             for i in range(900)}
    obs = SiteObservations("X", "http://x/", True, pages=pages)
    scanner(), spam_scanner()                       # built once per score run
    t = time.perf_counter()
    n = serious_errors(obs, scanner(), spam_scanner(), 20)[0]["serious_errors"]
    elapsed = time.perf_counter() - t
    with capsys.disabled():
        print(f"\nserious-error scan: {len(pages)} pages, "
              f"{sum(len(p.text) for p in pages.values())} chars in {elapsed:.2f} s")
    assert n == 0
