"""Deterministic Chinese text for the sample sites: titles by column category, article bodies.

Nothing here is random: the same spec always renders the same pages, so the ground truth holds.
Bodies never contain dates, so the only dates a crawler sees are the planted ones.
"""
from __future__ import annotations

TOPICS = (
    "安全生产", "优化营商环境", "河长制", "秋冬季大气污染防治", "乡村振兴", "文明城市创建", "森林防火",
    "冬季供暖保障", "农村人居环境整治", "政务公开", "防汛抗旱", "高标准农田建设", "城乡居民医保",
    "食品安全", "消防安全", "招商引资", "义务教育均衡发展", "生态环境保护", "道路交通安全",
    "重点项目建设", "就业创业", "老旧小区改造", "耕地保护", "数字政府建设", "信访维稳",
)

# Templates per category; {t} = topic, {p} = place, {o} = organiser, {n} = a number.
TEMPLATES: dict[str, tuple[str, ...]] = {
    "news": (
        "{p}召开{t}工作会议", "{p}部署{t}重点工作", "{o}主要负责同志调研{t}工作",
        "{p}{t}工作取得阶段性成效", "{p}举办{t}专题培训班", "{o}召开{t}推进会",
        "{p}开展{t}专项督查", "{p}{t}工作经验获上级肯定", "{o}党组理论学习中心组开展{t}专题学习",
        "{p}召开第{n}次常务会议研究{t}等工作",
    ),
    "notice": (
        "关于做好{t}工作的通知", "关于开展{t}专项检查的通知", "关于{t}有关事项的公告",
        "关于第{n}批{t}项目的公示", "关于征求《{p}{t}实施意见（征求意见稿）》意见的公告",
        "关于举办{t}业务培训的通知",
    ),
    "policy": (
        "关于印发《{p}{t}实施方案》的通知", "关于印发《{p}{t}管理办法》的通知",
        "《{p}{t}三年行动计划》政策解读", "关于进一步加强{t}工作的意见",
        "一图读懂《{p}{t}若干措施》", "关于印发《{t}考核办法》的通知",
    ),
    "personnel": (
        "{o}关于{t}领域干部任免的通知", "{o}关于李明等同志职务任免的通知",
        "{o}关于王芳等同志任职的通知", "{o}公开遴选工作人员拟录用人员公示",
    ),
    "plan": (
        "{p}{t}“十四五”规划", "{o}年度工作要点", "{p}{t}专项规划（第{n}期）",
        "{o}{t}工作计划",
    ),
    "consultation": (
        "咨询{t}相关政策", "关于{t}问题的反映", "请问{t}在哪里办理", "建议加强{t}工作",
    ),
    "survey": ("关于{t}的意见征集", "{t}满意度网上调查"),
    "interview": ("在线访谈：{o}负责同志谈{t}", "在线访谈：解读{t}新政策"),
    "guide": (
        "{t}事项办事指南", "{t}相关证照办理指南", "{t}备案办事指南",
    ),
}


def title(category: str, i: int, place: str, org: str) -> str:
    """The i-th title of a category: stable, varied, plausible."""
    tpls = TEMPLATES.get(category) or TEMPLATES["news"]
    tpl = tpls[i % len(tpls)]
    topic = TOPICS[(i * 7 + len(place)) % len(TOPICS)]
    return tpl.format(t=topic, p=place, o=org, n=i % 9 + 1)


def body(heading: str, org: str, paragraphs: int = 3) -> list[str]:
    """Article paragraphs derived from the heading (no dates, no links)."""
    base = [
        f"为深入贯彻落实上级有关决策部署，进一步做好相关工作，{org}高度重视，围绕“{heading}”"
        "认真研究、周密部署，明确了责任分工和工作要求。",
        "会议强调，各地各部门要提高政治站位，压紧压实工作责任，坚持问题导向和目标导向，"
        "细化工作措施，确保各项任务落地见效；要加强统筹协调，形成工作合力。",
        "下一步，将持续加强督促指导，及时总结推广好经验好做法，定期通报工作进展，"
        "切实把各项工作要求落到实处，不断提升人民群众的获得感、幸福感、安全感。",
        "各有关单位要结合实际抓好贯彻落实，执行中遇到的问题请及时向主管部门反映。",
    ]
    return base[:paragraphs]


GUIDE_ELEMENTS = ("事项名称", "设定依据", "申请条件", "办理材料", "办理地点", "办理时间", "联系电话",
                  "办理流程")


def guide_body(name: str, org: str) -> list[str]:
    values = (name, "《中华人民共和国行政许可法》及相关法规规定", "符合法定条件的公民、法人和其他组织",
              "申请书、身份证明材料及相关证明文件", f"{org}政务服务窗口", "工作日上午九时至下午五时",
              "0000-12345678", "申请、受理、审查、决定、送达")
    return [f"{k}：{v}" for k, v in zip(GUIDE_ELEMENTS, values)]


def letter(heading: str) -> str:
    """A citizen's letter (no dates)."""
    return (f"尊敬的领导：您好！我想反映一个问题，{heading}。希望有关部门能够尽快研究解决，"
            "给群众一个明确的答复。谢谢！")


def answer(org: str) -> str:
    """A reply to a letter (no dates)."""
    return (f"您好！来信收悉。{org}高度重视，已会同有关单位认真研究办理，相关情况已向您反馈。"
            "感谢您对我们工作的关心和支持！")
