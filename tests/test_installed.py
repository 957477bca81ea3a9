"""Issue 23 part 1: an installed govaudit is the govaudit we test.

The wheel is built from a copy of this tree, its files are compared with the tree's, and it is
installed into a fresh virtualenv whose `govaudit demo`, run from an empty folder, must give the
farm's known verdicts. The crawler child must import the installed package whatever the current
folder holds.
"""
from __future__ import annotations

import configparser
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

import samplefarm
import store
from tests.slowsite import HEADER, slow_site

pytestmark = pytest.mark.timeout(600)
ROOT = Path(__file__).resolve().parent.parent
GOVAUDIT = Path(sys.executable).with_name("govaudit")   # the console script: cwd not on its sys.path
BUILD_LEFTOVERS = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info",
                                         "__pycache__", "*.pyc", ".pytest_cache")


def top_level_packages() -> list[str]:
    """The packages setup.cfg ships (`[options.packages.find] include`, e.g. `crawler*`)."""
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    names = cfg["options.packages.find"]["include"].split()
    return sorted({n.rstrip("*").split(".")[0] for n in names})


def tree_files(package: str) -> set[str]:
    base = ROOT / package
    return {p.relative_to(ROOT).as_posix() for p in base.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """`pip wheel` of a copy of the working tree: a stale build/ folder cannot leak into it."""
    tmp = tmp_path_factory.mktemp("wheel")
    shutil.copytree(ROOT, tmp / "src", ignore=BUILD_LEFTOVERS)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp / "dist"),
                    str(tmp / "src")], check=True, capture_output=True, timeout=300)
    return next((tmp / "dist").glob("govaudit-*.whl"))


def test_every_file_of_every_package_ships_in_the_wheel(wheel):
    with zipfile.ZipFile(wheel) as zf:
        shipped = set(zf.namelist())
    packages = top_level_packages()
    assert {"config", "crawler", "govaudit"} <= set(packages)
    tree = set().union(*map(tree_files, packages))
    data = {f for f in tree if not f.endswith(".py")}
    assert "config/lexicons/message_board.yaml" in data
    assert any(f.endswith("samplefarm/truth.yaml") for f in data)
    assert tree - shipped == set()
    assert [f for f in shipped if f.endswith(".pyc") or "__pycache__" in f] == []


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh virtualenv holding the wheel (--no-deps); its dependencies come from this venv's
    site-packages through a .pth line — whose own .pth files (this checkout's editable install)
    are not run, so the checkout cannot be imported from there."""
    venv = tmp_path_factory.mktemp("venv") / "v"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                    "--no-deps", "--no-index", str(wheel)], check=True, capture_output=True,
                   timeout=300)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "deps-from-test-venv.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return venv


def clean_env() -> dict:
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSAFEPATH")}


def test_installed_wheel_demo_gives_the_known_verdicts(installed, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    where = subprocess.run([str(installed / "bin" / "python"), "-c",
                            "import config, crawler, govaudit, indicators, reports, scoring; "
                            "print('\\n'.join(m.__file__ for m in "
                            "(config, crawler, govaudit, indicators, reports, scoring)))"],
                           cwd=empty, env=clean_env(), check=True, capture_output=True, text=True)
    assert all(line.startswith(str(installed)) for line in where.stdout.split()), where.stdout
    proc = subprocess.run([str(installed / "bin" / "govaudit"), "demo", "--timeout", "3"],
                          cwd=empty, env=clean_env(), capture_output=True, text=True,
                          encoding="utf-8", timeout=500)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    results = json.loads((empty / "demo-output" / "results.json").read_text(encoding="utf-8"))
    truth = samplefarm.load_truth()
    assert {s["site_code"]: (s["measurements"], s["vetoes"], s["score"], s["qualified"])
            for s in results["sites"]} == \
        {code: (t["measurements"], t["vetoes"], t["score"], t["qualified"])
         for code, t in truth["sites"].items()}


def test_crawler_child_ignores_decoy_packages_in_the_current_folder(tmp_path):
    """Run from a folder holding crawler/ and config/ packages that raise when imported, the crawl
    still runs the installed crawler."""
    decoy = tmp_path / "decoy"
    for package in ("crawler", "config"):
        (decoy / package).mkdir(parents=True)
        (decoy / package / "__init__.py").write_text(
            f"raise ImportError('decoy {package} imported from the current folder')\n")
    (decoy / "crawler" / "run.py").write_text("raise SystemExit('decoy crawler.run ran')\n")
    db = f"sqlite:///{tmp_path / 'store.sqlite'}"
    with slow_site(host="127.0.1.43", pages=5, delay=0) as site:
        register = tmp_path / "register.csv"
        register.write_text(HEADER + site.register_row("9907990043"), encoding="utf-8")
        crawl = ["crawl", "--allow-net", "127.0.0.0/8", "--timeout", "5", "--workers", "1"]
        for args in (["sites", "import", str(register)], crawl):
            proc = subprocess.run([str(GOVAUDIT), *args, "--db", db], cwd=decoy, env=clean_env(),
                                  capture_output=True, text=True, encoding="utf-8", timeout=120)
            assert proc.returncode == 0, proc.stdout + proc.stderr
            assert "decoy" not in proc.stdout + proc.stderr
    engine = store.connect(db)
    with engine.connect() as conn:
        status = conn.execute(select(store.SiteCrawl.status)).scalar_one()
        pages = conn.execute(select(func.count()).select_from(store.Page)).scalar_one()
    engine.dispose()
    assert (status, pages) == ("ok", 6)
