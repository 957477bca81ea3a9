"""HTTPS (crawler/tls.py's check of the homepage host) as measurements and findings. Pure.

- https_served: 1 when the host answers over HTTPS, else 0 (a site on plain HTTP has no certificate
  to judge: rules of its days left do not apply to it, they are not 未评估);
- https_problems: not served over HTTPS (then nothing else is judged), certificate expired,
  certificate for another host, certificate not trusted, TLS older than 1.2, plain HTTP not
  redirected to HTTPS — one each;
- https_cert_days_left: days until the certificate expires (negative: expired); None without one.
All None when no check was made (a crawl from before this check).
"""
from __future__ import annotations

from indicators.findings import Finding

SERVED, PROBLEMS, DAYS = "https_served", "https_problems", "https_cert_days_left"
KEYS = [SERVED, PROBLEMS, DAYS]
MODERN = ("TLSv1.2", "TLSv1.3")


def https(check: dict | None) -> tuple[dict, list[Finding]]:
    if not check:
        return dict.fromkeys(KEYS), []
    url = f"https://{check['host']}:{check['port']}/" if check["port"] != 443 \
        else f"https://{check['host']}/"
    problems: list[tuple[str, str]] = []
    if not check["https"]:
        problems.append(("未提供 HTTPS 访问", check["error"] or "未提供 HTTPS 服务"))
    else:
        days = check["days_left"]
        if days is not None and days < 0:
            problems.append(("证书已过期", f"证书有效期至 {check['not_after']}，已过期 {-days} 天"))
        if check["host_match"] is False:
            problems.append(("证书与网站域名不符", f"证书不包含 {check['host']}"))
        if not check["verified"] and check["error"] not in ("证书已过期", "证书与网站域名不符"):
            problems.append(("证书不受信任", check["error"]))
        if check["tls_version"] not in MODERN:
            problems.append(("TLS 版本过低", f"协商的协议为 {check['tls_version']}，应为 TLS 1.2 及以上"))
        if check["redirects"] is False:
            problems.append(("HTTP 未跳转到 HTTPS", "以 http:// 访问首页时未跳转到 https://"))
    findings = [Finding(kind="https_problem", measure=PROBLEMS, url=url, title=title, evidence=why)
                for title, why in problems]
    return {SERVED: int(check["https"]), PROBLEMS: len(findings), DAYS: check["days_left"]}, findings
