"""Spot-check sampling against the store: draw from the register, remember the draw, write it out.

The draw itself is scoring.sampling (pure); this module reads the register and the last audit from
the store and writes the sample as a register file that `govaudit audit` takes.
"""
from __future__ import annotations

import csv
from datetime import date
from pathlib import Path


from scoring import sampling
from store.errors import NotFound
from store.runs import score_run
from store.samples import draw_of, record_draw
from store.sites import all_sites, get_sites
from store.verdicts import failed_sites
from govaudit.register import OPTIONAL_HEADERS, REQUIRED_HEADERS
from reports.cells import csv_safe

REGISTER_HEADERS = REQUIRED_HEADERS + OPTIONAL_HEADERS


def failed_last_audit(engine) -> set[str]:
    """Codes of the sites judged unqualified by the most recent score run."""
    try:
        last = score_run(engine)
    except NotFound:
        return set()
    return failed_sites(engine, last.id)


def draw_and_record(engine, *, seed: int, share=None, count=None, by=(), minimum=1,
                    include_failed_last=False) -> sampling.Sample:
    sites = all_sites(engine)
    always = failed_last_audit(engine) if include_failed_last else set()
    sample = sampling.draw(sites, seed=seed, share=share, count=count, by=by, minimum=minimum,
                           always=always)
    record_draw(engine, f"{date.today():%Y-%m-%d} {sample.describe()}", sample.codes,
                {"share": share, "count": count, "by": list(by), "min": minimum, "seed": seed,
                 "include_failed_last": include_failed_last})
    return sample


def sample_note(engine, site_codes) -> str | None:
    """How these sites were chosen, if they are exactly a recorded draw (newest first)."""
    return draw_of(engine, site_codes)


def write_sample(engine, sample: sampling.Sample, path: str | Path, drawn_on: date | None = None) -> Path:
    """The sample as a register (.xlsx or .csv by suffix): the same headers `sites import` reads;
    an .xlsx also gets a second sheet 抽样说明 with the draw and its strata."""
    path = Path(path)
    rows = get_sites(engine, sample.codes)
    values = [[r.name, r.code, r.home_url, r.sponsor, r.level, r.region, r.site_type] for r in rows]
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".csv":
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(REGISTER_HEADERS)
            w.writerows([[csv_safe(v) for v in row] for row in values])   # never a formula
        return path
    if path.suffix.lower() != ".xlsx":
        raise sampling.SampleError(f"输出文件 {path} 应以 .xlsx 或 .csv 结尾")
    from openpyxl import Workbook
    from reports.cells import fit_columns, put_row, put_table
    wb = Workbook()
    wb.active.title = "抽查网站名录"
    put_table(wb.active, REGISTER_HEADERS, values)
    info = wb.create_sheet("抽样说明")
    put_row(info, 1, ["抽样方法", sample.describe()])
    put_row(info, 2, ["抽取日期", (drawn_on or date.today()).isoformat()])
    put_row(info, 4, [*(sample.by or ["全部"]), "在册网站数", "抽取数", "其中上次不合格"])
    for i, st in enumerate(sample.strata, start=5):
        put_row(info, i, [*(st.key or ("全部",)), st.population, st.drawn, st.forced])
    fit_columns(info)
    from io import BytesIO
    from reports.files import write_atomically
    buf = BytesIO()
    wb.save(buf)
    return write_atomically(path, buf.getvalue())
