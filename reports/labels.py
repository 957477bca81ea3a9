"""Chinese labels for the results.json measurements, in the DOMAIN.md order (report text only)."""
from __future__ import annotations

MEASUREMENT_LABELS: dict[str, str] = {
    "availability_probes": "首页监测次数",
    "availability_failures": "首页访问失败次数",
    "homepage_updates_14d": "首页两周内更新条数",
    "stale_columns_news": "超期未更新栏目数（动态要闻类）",
    "stale_columns_notice_policy": "超期未更新栏目数（通知公告、政策文件类）",
    "stale_columns_personnel_plan": "超期未更新栏目数（人事、规划计划类）",
    "stale_columns_total": "超期未更新栏目合计",
    "blank_columns": "空白栏目数",
    "dead_links_home": "首页不可用链接数",
    "dead_links_other": "其他页面不可用链接数",
    "consultation_columns": "互动咨询栏目数",
    "consultation_messages_1y": "一年内留言数",
    "unanswered_messages_over_3m": "超过3个月未答复留言数",
    "survey_columns": "征集调查栏目数",
    "surveys_1y": "一年内征集调查次数",
    "interview_columns": "在线访谈栏目数",
    "interviews_1y": "一年内在线访谈次数",
    "guides_missing_elements": "办事指南缺失要素类别数",
    "broken_attachments": "无法下载的附件数",
    "online_systems_down": "无法访问的办事系统数",
    "serious_errors": "严重错误数",
}
MEASUREMENT_ORDER: tuple[str, ...] = tuple(MEASUREMENT_LABELS)


def ordered_keys(keys) -> list[str]:
    """Keys in the DOMAIN.md order; keys it does not know follow in the order given."""
    given = list(dict.fromkeys(keys))
    known = [k for k in MEASUREMENT_ORDER if k in given]
    return known + [k for k in given if k not in MEASUREMENT_LABELS]


def measurement_label(key: str) -> str:
    return MEASUREMENT_LABELS.get(key, key)
