#!/usr/bin/env bash
# gongwen set-up for a fresh Debian 12 machine (run as root), then one job:
#   bash setup.sh samples   set up, then generate every sample into out/ and archive it
#                           in gongwen-archive/
#   bash setup.sh test      set up (with LibreOffice), then run the whole test suite
#   bash setup.sh env       set up only
#   bash setup.sh bench     set up with the benchmark's peers (the `bench` extra: tantivy)
# Each step checks first and skips what is already done, so repeated runs are fast.
set -euo pipefail
cd "$(dirname "$0")"
here=$(pwd)
mode=${1:-samples}
shift || true

venv=.venv
font_dir=/usr/local/share/fonts/gongwen
fontconf_src=templates/fonts/65-gongwen.conf
fontconf_dst=/etc/fonts/conf.d/65-gongwen.conf
fandol_files=(FandolFang-Regular.otf FandolSong-Regular.otf FandolSong-Bold.otf FandolHei-Regular.otf FandolKai-Regular.otf)

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

apt_ready=0
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "安装系统软件包: ${missing[*]}"
  if [ $apt_ready -eq 0 ]; then apt-get update -qq; apt_ready=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

pick_python() {
  for py in python3.11 python3; do
    if command -v "$py" >/dev/null && "$py" -c 'import sys; sys.exit(sys.version_info[:2] < (3, 11))'; then
      echo "$py"; return 0
    fi
  done
  echo "需要 Python 3.11 或更高版本" >&2; exit 1
}

system_packages() {
  # WeasyPrint needs Pango and HarfBuzz's subsetter (without it subsetting CJK fonts takes seconds).
  apt_install fontconfig libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 ca-certificates
  # OpenCV (RapidOCR's image library, for scanned PDFs) needs libGL and GLib.
  apt_install libgl1 libglib2.0-0
  if [ "$mode" = test ]; then
    # A second, independent client that opens our DOCX files; also converts .doc/.wps.
    apt_install libreoffice-writer-nogui
    # A real browser for the web workspace's tests (selenium drives it headless).
    apt_install chromium chromium-driver
  fi
}

fonts() {
  local missing=0
  for f in "${fandol_files[@]}"; do [ -f "$font_dir/$f" ] || missing=1; done
  if [ $missing -eq 1 ]; then
    # The Fandol faces ship in texlive-lang-chinese; take the .otf files without installing TeX.
    say "安装 Fandol 中文字体 (仿宋/宋体/黑体/楷体)"
    local tmp; tmp=$(mktemp -d); chmod 0755 "$tmp"  # apt-get download runs as _apt
    if [ $apt_ready -eq 0 ]; then apt-get update -qq; apt_ready=1; fi
    (cd "$tmp" && chmod 0777 . && apt-get download -qq texlive-lang-chinese >/dev/null && dpkg-deb -x texlive-lang-chinese_*.deb root)
    mkdir -p "$font_dir"
    for f in "${fandol_files[@]}"; do
      install -m 0644 "$(find "$tmp/root" -name "$f" | head -n 1)" "$font_dir/$f"
    done
    rm -rf "$tmp"
  fi
  if ! cmp -s "$fontconf_src" "$fontconf_dst"; then
    say "安装字体别名 (仿宋_GB2312, 方正小标宋简体 等 -> Fandol)"
    install -m 0644 "$fontconf_src" "$fontconf_dst"
    missing=1
  fi
  if [ $missing -eq 1 ]; then fc-cache -f >/dev/null; fi
}

python_env() {
  local py; py=$(pick_python)
  if [ ! -x "$venv/bin/python" ]; then
    if ! "$py" -c 'import ensurepip, venv' 2>/dev/null; then
      apt_install python3-venv python3-pip
    fi
    say "创建虚拟环境 $venv"
    "$py" -m venv "$venv"
  fi
  local stamp="$venv/.gongwen-installed"
  local extras=test; [ "$mode" = bench ] && extras=test,bench
  local want; want=$(sha256sum pyproject.toml | cut -c1-16)-$extras
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "安装 Python 依赖 (见 pyproject.toml)"
    "$venv/bin/python" -m pip install -q --upgrade pip
    "$venv/bin/python" -m pip install -q -e ".[$extras]"
    echo "$want" > "$stamp"
  fi
}

system_packages
fonts
python_env

case "$mode" in
  env) say "环境就绪: $here/$venv/bin/gongwen" ;;
  bench) say "环境就绪（含对比引擎）: $here/$venv/bin/python bench/run.py --corpus ../shared/corpus --count 784" ;;
  samples)
    say "生成 samples/ 中的全部公文到 out/，并归档到 gongwen-archive/"
    "$venv/bin/gongwen" generate samples/*.yaml -o out/ --archive -A gongwen-archive "$@"
    say "按区（县）模板为三个单位各生成一份制度到 out/各单位/，并对照检查"
    "$venv/bin/gongwen" batch --from samples/district/教育系统联防联控制度.yaml \
      --rosters samples/district/花名册/ -o out/各单位/ --force
    "$venv/bin/gongwen" coverage samples/district/教育系统联防联控制度.yaml \
      samples/district/单位/ out/各单位/ --html out/对照检查报告.html
    say "把一份从网页复制的方案导入为 YAML（列出识别结果和原文缺陷），再生成"
    "$venv/bin/gongwen" import samples/导入/网页复制的森林防火方案.txt \
      -o out/导入/森林防火方案.yaml --force --report
    "$venv/bin/gongwen" generate out/导入/森林防火方案.yaml -o out/导入/ -q
    say "按 GB/T 9704 检查示例 YAML 和生成的 DOCX、PDF（应全部通过）"
    "$venv/bin/gongwen" check samples/*.yaml samples/district/ out/*.docx out/*.pdf out/各单位/ out/导入/
    say "试试检查有缺陷的原文：.venv/bin/gongwen check samples/导入/网页复制的森林防火方案.txt"
    say "试试检索：.venv/bin/gongwen search 消毒；.venv/bin/gongwen who 消毒"
    ;;
  test)
    say "运行全部测试"
    exec "$venv/bin/python" -m pytest "$@"
    ;;
  *) echo "用法: bash setup.sh [samples|test|env|bench]" >&2; exit 2 ;;
esac
