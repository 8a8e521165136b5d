"""Typst's time for the reference document, for comparison with jobdesc's renderer.

Builds the same content as `fixtures/reference.json` renders in jobdesc (approval
block, title, sections of numbered clauses, visas, a 30-row acknowledgement sheet
and a 10-row register) as Typst markup, and compiles `runs` distinct documents
(the registration number differs, so no compile is a repeat of another) in this
one process with the `typst` package from PyPI. Called by
`benches/pdf-vs-typst.sh`; prints the same statistics as `cargo bench --bench render`.

Usage: python typst_render.py REFERENCE.json RUNS FONT_DIR [JOBDESC_MEDIAN_MS]
"""

import json
import statistics
import sys
import time

import typst


def s(text):
    """A Typst string literal: the text is shown as written, never read as markup."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def iso_to_ru(date):
    y, m, d = date.split("-")
    return f"{d}.{m}.{y}"


def table(columns, header, rows):
    cells = [f"[*#{s(h)}*]" for h in header]
    for row in rows:
        cells.extend(f"[#{s(c)}]" for c in row)
    return f"#table(columns: {columns}, inset: 4pt, " + ", ".join(cells) + ")\n"


def source(doc, n):
    org, pos, meta, appr = doc["organization"], doc["position"], doc["document"], doc["approval"]
    reg = f"{meta['registration_number']}-{n}"
    out = [
        '#set page(paper: "a4", margin: (left: 30mm, right: 15mm, top: 20mm, bottom: 20mm),'
        ' numbering: "1")\n',
        '#set text(font: "Liberation Serif", size: 12pt, lang: "ru", hyphenate: true)\n',
        "#set par(justify: true)\n",
        f"#align(center)[*#{s(org['full_name'])}*]\n\n",
        "#align(right)[#block(width: 75mm)[#set align(left)\n",
        f"УТВЕРЖДАЮ\\ #{s(appr['position'])}\\ ________ #{s(appr['name'])}\\ #{s(iso_to_ru(appr['date']))}]]\n\n",
        f"#align(center)[*ДОЛЖНОСТНАЯ ИНСТРУКЦИЯ*\\ #{s(pos['title_genitive'])}\\ № #{s(reg)}]\n\n",
    ]
    for section in doc["sections"]:
        out.append(f"#align(center)[*#{s(str(section['number']) + '. ' + section['heading'])}*]\n\n")
        for c in section["clauses"]:
            indent = 10 * (c.get("depth", 1) - 1)
            out.append(f"#pad(left: {indent}mm)[#{s(c['number'])} #{s(c['text'])}]\n\n")
    out.append("*Согласовано:*\n\n")
    for v in doc["visas"]:
        out.append(f"#{s(v['position'])} ________ #{s(v['name'])} #{s(iso_to_ru(v['date']))}\n\n")
    out.append("#pagebreak()\n#align(center)[*ЛИСТ ОЗНАКОМЛЕНИЯ*]\n\n")
    rows = [
        (i + 1, a["name"], a["position"], a["date"], (a.get("electronic") or {}).get("code", ""))
        for i, a in enumerate(doc["acknowledgements"])
    ]
    out.append(table("(auto, 1fr, 1fr, auto, auto)", ["№", "Ф.И.О.", "Должность", "Дата", "Подпись"], rows))
    out.append("#pagebreak()\n#align(center)[*ЛИСТ РЕГИСТРАЦИИ ИЗМЕНЕНИЙ*]\n\n")
    rows = [
        (
            r["change_number"],
            ", ".join(map(str, r["sheets"]["changed"])),
            r["total_sheets"],
            iso_to_ru(r["entered"]),
            iso_to_ru(r["effective"]),
            "; ".join(r["content"]),
            r["author"],
        )
        for r in doc["register"]
    ]
    out.append(
        table(
            "(auto, auto, auto, auto, auto, 1fr, auto)",
            ["№", "Листы", "Всего", "Внесено", "Действует", "Содержание", "Внёс"],
            rows,
        )
    )
    return "".join(out).encode("utf-8")


def percentile(sorted_times, p):
    i = round((len(sorted_times) - 1) * p)
    return sorted_times[min(i, len(sorted_times) - 1)]


def main():
    path, runs, fonts = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    jobdesc_ms = float(sys.argv[4]) if len(sys.argv) > 4 else None
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    start = time.perf_counter()
    first = typst.compile(source(doc, 0), font_paths=[fonts], ignore_system_fonts=True)
    cold = (time.perf_counter() - start) * 1000
    times = []
    for n in range(1, runs + 1):
        src = source(doc, n)  # built outside the timed part
        t = time.perf_counter()
        typst.compile(src, font_paths=[fonts], ignore_system_fonts=True)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    median = statistics.median(times)
    print(f"typst {typst.__version__ if hasattr(typst, '__version__') else ''} (PyPI), same content, distinct documents")
    print(f"  runs            {runs}")
    print(f"  first (cold)    {cold:.2f} ms")
    print(f"  median          {median:.2f} ms")
    print(f"  p90             {percentile(times, 0.9):.2f} ms")
    print(f"  min             {times[0]:.2f} ms")
    print(f"  bytes           {len(first)}")
    if jobdesc_ms:
        print(f"jobdesc {jobdesc_ms:.2f} ms against Typst {median:.2f} ms median: Typst takes {median / jobdesc_ms:.1f}× as long")


if __name__ == "__main__":
    main()
