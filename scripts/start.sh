#!/usr/bin/env bash
# Quick start: set up, then open the ClinicLink workstation with demo data on first run.
# Extra arguments go to the app, e.g.  bash scripts/start.sh --lang en
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "没有检测到图形界面（DISPLAY 未设置），无法打开窗口。"
  echo "请在桌面环境中运行；现在只做一次启动自检（--smoke）。"
  exec .venv/bin/python -m app --demo --smoke "$@"
fi
exec .venv/bin/python -m app --demo "$@"
