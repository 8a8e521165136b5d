#!/usr/bin/env bash
# Renders the reference document's content with LibreOffice headless and with
# jobdesc, and prints both figures side by side.
#   bash benches/libreoffice.sh [runs]
# Needs Debian's libreoffice-writer-nogui (installed here if missing, as root).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
if ! command -v soffice >/dev/null; then
  echo "installing libreoffice-writer-nogui (Debian package)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-writer-nogui >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The same content as fixtures/reference.json, as HTML for Writer.
python3 - "$work/reference.html" <<'PY'
import html, json, sys
d = json.load(open("fixtures/reference.json", encoding="utf-8"))
e = html.escape
out = ['<html><head><meta charset="utf-8"><style>body{font-family:"Liberation Serif";font-size:12pt} td,th{border:1px solid #000;font-size:9pt}</style></head><body>']
out.append(f"<p><b>{e(d['organization']['full_name'])}</b></p><p align=right>УТВЕРЖДАЮ<br>{e(d['approval']['position'])}<br>________ {e(d['approval']['name'])}<br>{e(d['approval']['date'])}</p>")
out.append(f"<h3>ДОЛЖНОСТНАЯ ИНСТРУКЦИЯ</h3><p>{e(d['document']['registration_number'])}</p><p><b>{e(d['position']['title_genitive'])}</b></p>")
for s in d["sections"]:
    out.append(f"<h4 align=center>{s['number']}. {e(s['heading'])}</h4>")
    for c in s["clauses"]:
        out.append(f"<p align=justify>{e(c['number'])}. {e(c['text'])}</p>")
out.append("<p>СОГЛАСОВАНО</p>" + "".join(f"<p>{e(v['position'])} ________ {e(v['name'])} {e(v['date'])}</p>" for v in d["visas"]))
out.append('<h3 style="page-break-before:always">ЛИСТ ОЗНАКОМЛЕНИЯ</h3><table><tr><th>№</th><th>ФИО</th><th>Должность</th><th>Дата</th><th>Подпись</th></tr>')
for i, a in enumerate(d["acknowledgements"], 1):
    out.append(f"<tr><td>{i}</td><td>{e(a['name'])}</td><td>{e(a['position'])}</td><td>{e(a['date'])}</td><td></td></tr>")
out.append('</table><h3 style="page-break-before:always">ЛИСТ РЕГИСТРАЦИИ ИЗМЕНЕНИЙ</h3><table>')
for r in d["register"]:
    out.append(f"<tr><td>{r['change_number']}</td><td>{r['entered']}</td><td>{r['effective']}</td><td>{e('; '.join(r['content']))}</td><td>{e(r['author'])}</td></tr>")
out.append("</table></body></html>")
open(sys.argv[1], "w", encoding="utf-8").write("\n".join(out))
PY
times=()
for _ in $(seq 1 "$runs"); do
  start=$(date +%s%N)
  soffice --headless --convert-to pdf --outdir "$work" "$work/reference.html" >/dev/null 2>&1
  end=$(date +%s%N)
  times+=($(( (end - start) / 1000000 )))
done
lo_median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
lo_bytes=$(stat -c %s "$work/reference.pdf")
ours=$(cargo bench --bench render -- 300 2>/dev/null)
jd_median=$(echo "$ours" | awk '$1 == "median" {print $2}')
jd_bytes=$(echo "$ours" | awk '$1 == "bytes" {print $2}')
echo "$ours"
echo
printf '%-28s %12s %10s\n' "renderer" "median ms" "bytes"
printf '%-28s %12s %10s\n' "LibreOffice headless" "$lo_median" "$lo_bytes"
printf '%-28s %12s %10s\n' "jobdesc (in process)" "$jd_median" "$jd_bytes"
awk -v a="$lo_median" -v b="$jd_median" 'BEGIN { if (b > 0) printf "jobdesc is %.0f times faster\n", a / b }'
