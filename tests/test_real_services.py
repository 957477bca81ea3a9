"""Real service guides (办事指南) and message boards in tests/fixtures/real: the guide elements and
the board's messages the extractors read are exactly those a person sees (each page's .yaml,
written by hand)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import config
from crawler.extract.encoding import decode_body
from crawler.extract.page import parse_page
from crawler.extract.pagetext import page_text
from indicators.guides import read_guide

REAL = Path(__file__).parent / "fixtures" / "real"
ELEMENTS = [el["id"] for el in config.load_yaml("services/guide_elements.yaml")["elements"]]


def _names(prefix: str) -> list[str]:
    return sorted(p.stem for p in REAL.glob(f"{prefix}*.yaml"))


def _page(name: str):
    truth = yaml.safe_load((REAL / f"{name}.yaml").read_text(encoding="utf-8"))
    text, _ = decode_body((REAL / f"{name}.html").read_bytes(), "text/html")
    return truth, parse_page(text, truth["url"])


def test_truth_names_every_element_once():
    for name in _names("guide_"):
        truth, _ = _page(name)
        assert sorted(truth["present"] + truth["missing"]) == sorted(ELEMENTS), name
        assert set(truth["empty"]) <= set(truth["missing"]), name


@pytest.mark.parametrize("name", _names("guide_"))
def test_guide_elements_are_what_a_person_sees(name):
    truth, page = _page(name)
    g = read_guide(truth["url"], name, page_text(page),
                   config.load_yaml("services/guide_elements.yaml"))
    assert (sorted(g.present), sorted(g.empty)) == (sorted(truth["present"]), sorted(truth["empty"]))
