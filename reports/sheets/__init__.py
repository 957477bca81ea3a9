"""One module per workbook sheet: each exposes write(ws, report). reports.ranking_xlsx.SHEETS lists
them in workbook order; a new sheet is a new module plus one line there."""
