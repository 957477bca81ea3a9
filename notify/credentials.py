"""Robot keys, signing secrets and SMTP passwords: from an environment variable or from a file only
its owner can read — never from the routing YAML an office keeps in a repository."""
from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any


class CredentialError(ValueError):
    """A credential that cannot be used; the Chinese message names it, never its value."""


def resolve(spec: Any, what: str) -> str:
    """{env: NAME} or {file: PATH} → the secret's text."""
    if isinstance(spec, str):
        raise CredentialError(f"{what} 不能直接写在配置文件中：请写成 {{env: 环境变量名}} 或 "
                              f"{{file: 仅本人可读的文件}}")
    if not isinstance(spec, dict) or len(spec) != 1 or not ({"env", "file"} & set(spec)):
        raise CredentialError(f"{what} 应写成 {{env: 环境变量名}} 或 {{file: 仅本人可读的文件}}")
    if "env" in spec:
        value = os.environ.get(str(spec["env"]), "")
        if not value.strip():
            raise CredentialError(f"{what}：环境变量 {spec['env']} 未设置")
        return value.strip()
    path = Path(str(spec["file"])).expanduser()
    try:
        st = path.stat()
    except OSError:
        raise CredentialError(f"{what}：找不到文件 {path}") from None
    if st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise CredentialError(f"{what}：文件 {path} 其他用户也可读写，请执行 chmod 600 {path}")
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        raise CredentialError(f"{what}：文件 {path} 不属于当前用户")
    value = path.read_text(encoding="utf-8").strip()
    if not value:
        raise CredentialError(f"{what}：文件 {path} 是空的")
    return value
