# shellcheck shell=bash
# Shared helpers for scripts/*: find a working Python 3.13 and keep a cached .venv.

find_python313() {
  local candidates=()
  [ -n "${PYTHON313:-}" ] && candidates+=("$PYTHON313")
  candidates+=("python3.13" "/usr/bin/python3.13" "/usr/local/bin/python3.13")
  if command -v pyenv >/dev/null 2>&1; then
    local root
    root=$(pyenv root 2>/dev/null)
    for p in "$root"/versions/3.13*/bin/python3.13; do [ -x "$p" ] && candidates+=("$p"); done
  fi
  for p in "$HOME"/.pyenv/versions/3.13*/bin/python3.13; do [ -x "$p" ] && candidates+=("$p"); done
  local c
  for c in "${candidates[@]}"; do
    if "$c" --version 2>/dev/null | grep -q '^Python 3\.13\.'; then
      echo "$c"
      return 0
    fi
  done
  echo "error: no working Python 3.13 found (tried: ${candidates[*]})." >&2
  echo "Install Python 3.13 (e.g. 'pyenv install 3.13.0' or 'apt-get install python3.13') or set PYTHON313=/path/to/python3.13." >&2
  return 1
}

# ensure_venv ROOT: create or reuse ROOT/.venv; rebuilt only when requirements_test.txt changes.
ensure_venv() {
  local root=$1 venv="$1/.venv" req="$1/requirements_test.txt" stamp py want
  stamp="$venv/.requirements.sha256"
  want=$(sha256sum "$req" | cut -d' ' -f1)
  if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] \
     && "$venv/bin/python" --version 2>/dev/null | grep -q '^Python 3\.13\.'; then
    return 0
  fi
  py=$(find_python313) || return 1
  echo "Setting up $venv with $("$py" --version) (takes a few minutes the first time)..." >&2
  rm -rf "$venv"
  if ! "$py" -m venv "$venv"; then
    # Debian's system Python ships venv/ensurepip separately (package python3.13-venv).
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
      echo "Installing python3.13-venv with apt-get..." >&2
      rm -rf "$venv"
      { apt-get update -qq && apt-get install -y -qq python3.13-venv; } >&2 || return 1
      "$py" -m venv "$venv" || return 1
    else
      echo "error: '$py -m venv' failed; install the venv module (Debian: python3.13-venv)." >&2
      return 1
    fi
  fi
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip || return 1
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req" || return 1
  echo "$want" > "$stamp"
}
