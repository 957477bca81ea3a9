"""Who gets what: the small YAML an office edits (config/alerts-routing.example.yaml shows it).

Channels name a platform and where its credentials are (env or an owner-only file, never the value);
recipients name channels, the regions or sites they cover and the lowest level they want. A county
recipient listing its region receives only its own sites.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from config.errors import UserError
from notify.channels import KINDS
from scoring.warnings import LEVELS

DIGESTS = ("daily", "weekly")
SECRET_KEYS = {"key", "token", "secret", "password", "url"}


class RoutingError(UserError, ValueError):
    """A routing file that cannot be used: every problem, in Chinese, naming the file."""


@dataclass(frozen=True)
class Recipient:
    name: str
    channels: tuple[str, ...]
    regions: tuple[str, ...] | None    # None: every region
    sites: tuple[str, ...] = ()
    min_level: int = 1
    digest: tuple[str, ...] = ()

    def covers(self, code: str, region: str) -> bool:
        return self.regions is None or code in self.sites or region in self.regions


@dataclass
class Routing:
    channels: dict[str, dict] = field(default_factory=dict)
    recipients: list[Recipient] = field(default_factory=list)

    def channel_sites(self, channel: str, sites: dict[str, str]) -> set[str]:
        """The site codes one channel hears about (sites: code → region)."""
        return {code for r in self.recipients if channel in r.channels
                for code, region in sites.items() if r.covers(code, region)}

    def channel_min_level(self, channel: str) -> int:
        return min((r.min_level for r in self.recipients if channel in r.channels), default=1)

    def digest_channels(self, kind: str) -> list[str]:
        return list(dict.fromkeys(c for r in self.recipients if kind in r.digest for c in r.channels))


def load_routing(path: str | Path) -> Routing:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RoutingError(f"无法读取预警接收配置 {path}：{exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise RoutingError(f"预警接收配置 {path} 不是有效的 YAML：{exc}") from None
    return parse_routing(data, str(path))


def parse_routing(data, where: str) -> Routing:
    errors: list[str] = []

    def err(msg: str) -> None:
        errors.append(f"预警接收配置 {where}：{msg}")

    if not isinstance(data, dict) or set(data) - {"channels", "recipients"}:
        raise RoutingError(f"预警接收配置 {where}：应包含 channels（发送通道）和 recipients（接收人）两部分")
    channels = data.get("channels") or {}
    for name, cfg in channels.items():
        if not isinstance(cfg, dict) or cfg.get("type") not in KINDS:
            err(f"通道 {name} 的 type 应为 {'、'.join(KINDS)} 之一")
            continue
        for key in SECRET_KEYS & set(cfg):
            if not isinstance(cfg[key], dict) and not (key == "url" and cfg["type"] != "webhook"):
                err(f"通道 {name} 的 {key} 不能直接写在配置文件中，请写成 {{env: 环境变量名}} 或 "
                    f"{{file: 仅本人可读的文件}}")
        if cfg["type"] == "smtp" and not {"host", "from", "to"} <= set(cfg):
            err(f"通道 {name}（电子邮件）须写 host、from、to")
    recipients = []
    for n, r in enumerate(data.get("recipients") or [], 1):
        if not isinstance(r, dict) or not r.get("name") or not r.get("channels"):
            err(f"第 {n} 个接收人须写 name 和 channels")
            continue
        unknown = [c for c in r["channels"] if c not in channels]
        if unknown:
            err(f"接收人 {r['name']} 的通道 {'、'.join(unknown)} 未在 channels 中定义")
        level = r.get("min_level", LEVELS[1])
        if level not in LEVELS[1:]:
            err(f"接收人 {r['name']} 的 min_level 应为 {'、'.join(LEVELS[1:])} 之一，实际为 {level}")
            continue
        digest = r.get("digest") or []
        if set(digest) - set(DIGESTS):
            err(f"接收人 {r['name']} 的 digest 只能是 daily（每日汇总）、weekly（每周汇总）")
        regions = r.get("regions", [] if r.get("sites") else "all")
        recipients.append(Recipient(
            name=r["name"], channels=tuple(r["channels"]),
            regions=None if regions == "all" else tuple(regions),
            sites=tuple(str(s) for s in r.get("sites") or ()),
            min_level=LEVELS.index(level), digest=tuple(digest)))
    if errors:
        raise RoutingError("\n".join(errors))
    return Routing(channels=channels, recipients=recipients)
