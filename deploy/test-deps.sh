#!/usr/bin/env bash
# What the test suite needs beyond the Python packages, installed when missing (Debian):
# Chromium for the browser tests, LibreOffice + poppler for the print-render tests, and a
# running PostgreSQL on 127.0.0.1:5432. `make test` calls this, so it works on a fresh machine.
set -euo pipefail

packages=()
command -v chromium >/dev/null 2>&1 || packages+=(chromium)
command -v soffice >/dev/null 2>&1 || packages+=(libreoffice-writer-nogui libreoffice-calc-nogui)
command -v pdftotext >/dev/null 2>&1 || packages+=(poppler-utils)
# Liberation Serif has the metrics of Times New Roman: PDFs break lines as Word would. Version 2
# (fonts-liberation2) has the Vietnamese letters (ệ, ượ…); version 1 lacks them, and LibreOffice
# then draws them from another font, breaking words apart in the PDF.
fc-list ':charset=1ec7' family 2>/dev/null | grep -qi "Liberation Serif" || packages+=(fonts-liberation2)
if ((${#packages[@]})); then
  echo "Installing ${packages[*]} (apt-get)…"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends "${packages[@]}" >/dev/null
fi

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  version="$(ls /etc/postgresql 2>/dev/null | head -1)"
  if [ -n "$version" ]; then
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  fi
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
