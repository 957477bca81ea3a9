"""Issue 10, the command line and the store: bad options are refused before any work starts, store
problems are one Chinese line with a hint (exit 2, no traceback unless --debug), and the small
"silently wrong" cases (0 rows imported, unused overrides, report before score) say so."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
import yaml

from govaudit import cliopts
import store
from govaudit.cli import cli

README = Path(__file__).resolve().parents[1] / "README.md"
HEADER = "网站名称,网站标识码,首页网址,主办单位,行政级别,所属地区,网站类型\n"

pytestmark = pytest.mark.timeout(120)


def run(capsys, *args):
    """The CLI in this process, as `govaudit ARGS` would run it: (exit code, stdout, stderr)."""
    try:
        cliopts.run(cli, list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code or 0
    out, err = capsys.readouterr()
    return code, out, err


def write_register(path: Path, rows: list[str]) -> Path:
    path.write_text("\ufeff" + HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


# ---- every option range-checked before work starts ---------------------------------------------
@pytest.mark.parametrize("args, named", [
    (["crawl", "--per-host", "0"], "--per-host"),
    (["crawl", "--per-host", "-1"], "--per-host"),
    (["crawl", "--timeout", "-1"], "--timeout"),
    (["crawl", "--timeout", "0"], "--timeout"),
    (["crawl", "--page-budget", "0"], "--page-budget"),
    (["crawl", "--page-budget", "-5"], "--page-budget"),
    (["audit", "r.csv", "--as-of", "2026-11-22", "--out", "o", "--per-host", "0"], "--per-host"),
    (["score", "--as-of", "2026-11-22", "--run", "0"], "--run"),
    (["report", "--out", "o", "--score-run", "-1"], "--score-run"),
    (["sites", "list", "--limit", "0"], "--limit"),
    (["demo", "--timeout", "-3"], "--timeout"),
])
def test_out_of_range_options_are_refused_before_any_work(capsys, tmp_path, args, named):
    db = tmp_path / "x.sqlite"
    code, _, err = run(capsys, *args, "--db", str(db))
    assert code == 2
    assert f"'{named}' 的值不对" in err and "允许范围" in err
    assert not db.exists()          # refused before even opening the store


def test_help_shows_the_allowed_ranges(capsys):
    _, out, _ = run(capsys, "crawl", "--help")
    assert "[1<=x<=32]" in out and "[0.5<=x<=600.0]" in out and "[1<=x<=1000000]" in out


@pytest.mark.parametrize("command", [["score"], ["audit", "r.csv", "--out", "o"]])
def test_as_of_is_required(capsys, tmp_path, command):
    db = tmp_path / "x.sqlite"
    code, _, err = run(capsys, *command, "--db", str(db))
    assert code == 2 and "缺少必需的选项 '--as-of'" in err
    assert not db.exists()


def test_version(capsys):
    from importlib.metadata import version
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == f"govaudit {version('govaudit')}"


def _commands(group: click.Group, path=()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):      # with the demo, which govaudit names by path
        cmd = group.get_command(ctx, name)
        yield path + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, path + (name,))


def test_every_command_help_shows_one_example(capsys):
    for path, _ in _commands(cli):
        _, out, _ = run(capsys, *path, "--help")
        examples = re.findall(r"(?:示)?例：(govaudit .+)", out)
        assert len(examples) == 1, f"govaudit {' '.join(path)} --help: {examples}"
        assert examples[0].startswith("govaudit " + path[0]), examples[0]


NOT_RANGED = {("sample", "seed")}   # any integer is a valid seed


def test_every_numeric_option_has_a_range():
    for path, cmd in _commands(cli):
        for param in cmd.params:
            if isinstance(param.type, (click.types.IntParamType, click.types.FloatParamType)) \
                    and (path[-1], param.name) not in NOT_RANGED:
                assert isinstance(param.type, click.types._NumberRangeBase), \
                    f"govaudit {' '.join(path)} {param.opts[0]}: give it a range (govaudit.cliopts)"


# ---- store problems: one message, a hint, exit 2 ----------------------------------------------
def test_store_that_is_a_directory(capsys, tmp_path):
    code, _, err = run(capsys, "sites", "list", "--db", str(tmp_path))
    assert code == 2 and "是一个目录，不是 SQLite 数据库文件" in err and str(tmp_path) in err
    assert "Traceback" not in err


def test_store_in_a_missing_directory(capsys, tmp_path):
    code, _, err = run(capsys, "sites", "list", "--db", str(tmp_path / "no" / "x.sqlite"))
    assert code == 2 and f"所在的目录 {tmp_path / 'no'} 不存在" in err


def test_store_that_is_not_sqlite(capsys, tmp_path):
    bogus = tmp_path / "名录.xlsx"
    bogus.write_bytes(b"PK\x03\x04 this is a zip, not a database" * 50)
    code, _, err = run(capsys, "sites", "list", "--db", str(bogus))
    assert code == 2 and "不是 SQLite 数据库" in err and "名录.xlsx" in err


def test_unsupported_database_is_named(capsys):
    code, _, err = run(capsys, "sites", "list", "--db", "mysql://auditor:s3cret@db.local/gov")
    assert code == 2 and "不支持的数据库 mysql" in err
    assert "s3cret" not in err and "auditor:***@" in err


def test_unreachable_postgresql_hides_the_password(capsys):
    # Nothing listens on port 9 of loopback: refused at once.
    code, _, err = run(capsys, "sites", "list", "--db", "postgres://auditor:s3cret@127.0.0.1:9/gov")
    assert code == 2
    assert "无法连接 PostgreSQL postgresql+psycopg://auditor:***@127.0.0.1:9/gov" in err
    assert "主机、端口、库名" in err and "s3cret" not in err and "Traceback" not in err


def test_misspelt_postgresql_host(capsys):
    code, _, err = run(capsys, "sites", "list", "--db", "postgresql://postgres@127..0.1/test")
    assert code == 2 and "无法连接 PostgreSQL" in err


def test_postgres_scheme_is_accepted(capsys, pg_url, tmp_path):
    from sqlalchemy import create_engine
    engine = create_engine(pg_url)
    store.Base.metadata.drop_all(engine)
    engine.dispose()
    url = pg_url.replace("postgresql+psycopg://", "postgres://")
    register = write_register(tmp_path / "r.csv", ["某县政府,9910000001,http://127.0.1.40/,某县,县级,华阳省,门户网站"])
    assert run(capsys, "sites", "import", str(register), "--db", url)[0] == 0
    code, out, _ = run(capsys, "sites", "list", "--db", url)
    assert code == 0 and "9910000001" in out


def test_missing_postgresql_database_is_named(capsys, pg_url):
    url = pg_url.rsplit("/", 1)[0] + "/govaudit_no_such_db"
    code, _, err = run(capsys, "sites", "list", "--db", url)
    assert code == 2 and "govaudit_no_such_db 不存在" in err


def test_debug_shows_the_traceback():
    proc = subprocess.run([sys.executable, "-m", "govaudit.cli", "--debug", "sites", "list",
                           "--db", "mysql://u@h/db"], capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0 and "Traceback" in proc.stderr and "StoreError" in proc.stderr


@pytest.fixture
def read_only_store(tmp_path, make_read_only):
    """A store in a folder nobody may write, root included."""
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "store.sqlite"
    register = write_register(tmp_path / "r.csv", [
        "某县政府,9910000001,http://127.0.1.40/,某县,县级,华阳省,门户网站",
        "某市政府,9910000002,http://127.0.1.41/,某市,地市级,华阳省,门户网站"])
    engine = store.connect(str(db))
    from govaudit import pipeline
    pipeline.import_register(engine, register)
    engine.dispose()
    make_read_only(db, folder)
    return db


def test_read_only_store_can_still_be_listed(capsys, read_only_store, tmp_path):
    code, out, err = run(capsys, "sites", "list", "--db", str(read_only_store))
    assert code == 0, err
    assert "9910000001" in out and "9910000002" in out
    register = write_register(tmp_path / "r2.csv", ["某区政府,9910000003,http://127.0.1.42/,某区,县级,华阳省,门户网站"])
    code, _, err = run(capsys, "sites", "import", str(register), "--db", str(read_only_store))
    assert code == 2 and "是只读的" in err and "Traceback" not in err


# ---- silently wrong before: now said -----------------------------------------------------------
def test_import_of_zero_rows_fails(capsys, tmp_path):
    register = write_register(tmp_path / "坏名录.csv", ["缺代码,,http://127.0.1.40/,某单位,省级,华阳省,门户网站"])
    code, _, err = run(capsys, "sites", "import", str(register), "--db", str(tmp_path / "x.sqlite"))
    assert code == 2 and "坏名录.csv 中没有一行可以导入" in err
    empty = write_register(tmp_path / "空.csv", [])
    code, _, err = run(capsys, "sites", "import", str(empty), "--db", str(tmp_path / "x.sqlite"))
    assert code == 2 and "没有一行可以导入" in err


def test_report_before_any_score_creates_no_folder(capsys, tmp_path):
    out = tmp_path / "out"
    code, _, err = run(capsys, "report", "--out", str(out), "--db", str(tmp_path / "x.sqlite"))
    assert code == 2 and "请先运行 govaudit score" in err
    assert not out.exists()


def test_overrides_without_columns_key(capsys, tmp_path):
    path = tmp_path / "ov.yaml"
    path.write_text("本县要闻: news\n", encoding="utf-8")
    code, _, err = run(capsys, "score", "--as-of", "2026-11-22", "--overrides", str(path),
                       "--db", str(tmp_path / "x.sqlite"))
    assert code == 2 and "应以 columns: 开头" in err and "ov.yaml" in err


def test_sites_list_filters_and_limit(capsys, tmp_path):
    rows = [f"站{i},99100{i:05d},http://127.0.1.40/s{i}/,某单位,{'县级' if i % 2 else '地市级'},"
            f"{'华阳省江北市' if i % 3 else '华阳省南河市'},部门网站" for i in range(1, 301)]
    db = str(tmp_path / "x.sqlite")
    assert run(capsys, "sites", "import", str(write_register(tmp_path / "r.csv", rows)), "--db", db)[0] == 0
    _, out, _ = run(capsys, "sites", "list", "--db", db)
    assert "共 300 个网站，只列出前 100 个（用 --limit 调整）" in out
    assert "9910000100" in out and "9910000101" not in out
    _, out, _ = run(capsys, "sites", "list", "--db", db, "--region", "南河", "--level", "县", "--limit", "5")
    # odd i (县级) and i % 3 == 0: 3, 9, 15, … — 50 of them; the first five listed.
    assert "共 50 个网站，只列出前 5 个" in out
    listed = re.findall(r"99100\d{5}", out)
    assert listed == ["9910000003", "9910000009", "9910000015", "9910000021", "9910000027"]


def test_readme_ruleset_snippet_validates(tmp_path):
    from scoring.rulefile import load_ruleset
    text = README.read_text(encoding="utf-8")
    snippet = re.search(r"## Rulesets: three shapes.*?```yaml\n(.*?)```", text, re.S).group(1)
    path = tmp_path / "my-province.yaml"
    path.write_text(snippet, encoding="utf-8")
    rules = load_ruleset(str(path))
    assert yaml.safe_load(snippet)["id"] == rules.id
    assert rules.title_of("link_availability") == "链接可用性"


def test_a_20000_row_register_imports_in_batches(capsys, tmp_path):
    rows = [f"站{i},99{i:08d},http://127.0.1.40/s{i}/,某单位,县级,华阳省,部门网站" for i in range(20000)]
    register = write_register(tmp_path / "big.csv", rows)
    db = str(tmp_path / "x.sqlite")
    for _ in range(2):   # the second import updates every row in place
        code, out, _ = run(capsys, "sites", "import", str(register), "--db", db)
        assert code == 0 and "已导入 20000 个网站" in out
    _, out, _ = run(capsys, "sites", "list", "--db", db, "--limit", "3")
    assert "共 20000 个网站，只列出前 3 个" in out
