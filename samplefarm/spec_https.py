"""Sample sites served over HTTPS with certificates a careful inspector rejects, and a homepage with
known accessibility defects (issue 19). Truth: truth_https.yaml (hand-written). Hosts 127.0.1.80–81.

  (80) 江北市审计局: HTTPS with a certificate for its address, expired 30 days before the crawl,
       signed by the farm's test CA (samplefarm/tlsfarm.py). Its 工作动态 articles (12 of its 18)
       carry the article meta tags of 发展指引 (ArticleTitle, PubDate, ContentSource).
  (81) 江北市医疗保障局: HTTPS with a valid certificate (20 days left) for the domain it pretends to
       have, ybj.jiangbei.gov.cn, while it is reached by its address: 证书与网站域名不符, and
       expiring within 30 days. Its homepage carries planted axe-core violations (A11Y_HOME):
       three images without alt text and two text fields without a label; no page of the farm
       declares its language (<html> without lang).
Neither serves plain HTTP, so no redirect can be checked (neither a problem nor a pass).
"""
from __future__ import annotations

from samplefarm.model import Block, Col, Site
from samplefarm.spec import Maker

# Planted on 江北市医疗保障局's homepage: 3 × image-alt (critical), 2 × label (critical).
A11Y_IMAGES = ["/images/tjsj_1.jpg", "/images/tjsj_2.jpg", "/images/tjsj_3.jpg"]
A11Y_HOME = ('<div class="tjsj"><h3>统计数据</h3>'
             + "".join(f'<img src="{src}">' for src in A11Y_IMAGES)
             + '</div><div class="dcwj"><h3>统计调查意见反馈</h3><p>姓名 <input type="text" name="xm"></p>'
               '<p>联系电话 <input type="text" name="lxdh"></p></div>')


def _site(code: str, name: str, host: int, domain: str, tls: str, days: int,
          article_meta: bool = False, **kw) -> Site:
    m = Maker(name, name)
    cols = [
        Col("gzdt", "工作动态", "/gzdt/", "news", items=m.run("news", "2026-11-20", 12, 2), nav=True,
            article_meta=article_meta),
        Col("tzgg", "通知公告", "/tzgg/", "notice", items=m.run("notice", "2026-10-30", 6, 10),
            nav=True),
    ]
    return Site(
        code=code, name=name, place=name, org=name, level="地市级", region="华阳省江北市",
        site_type="部门网站", host=host, domain=domain, style="trs", date_fmt="iso", columns=cols,
        nav=["gzdt", "tzgg"], blocks=[Block("gzdt", 8), Block("tzgg", 5)],
        tls=tls, tls_days=days, uid_base=host * 100000, **kw).build()


def _expired() -> Site:
    return _site("9910000080", "江北市审计局", 80, "sjj.jiangbei.gov.cn", "expired", -30,
                 article_meta=True)


def _wrong_host() -> Site:
    return _site("9910000081", "江北市医疗保障局", 81, "ybj.jiangbei.gov.cn", "wrong_host", 20,
                 home_html=A11Y_HOME, files={src: "jpg" for src in A11Y_IMAGES})


SITES = [_expired, _wrong_host]
