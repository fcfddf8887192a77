# shellcheck shell=bash
# Python 3.14 for the middle and newest test lanes (sourced by scripts/test and scripts/lane).
#
# Where the machine has a suitable Python (PYTHON314=..., python3.14 on PATH or under pyenv), the
# lane venvs live in .lanes/venv-<lane> and run directly. Otherwise (Debian 12 has no 3.14 and
# sid's .debs need a newer libc) a Debian sid chroot is built once with debootstrap into
# .lanes/sid (git-ignored), rebuilt only when the recipe below changes, and every command runs in
# it through `unshare --mount`: the proc, /dev, /tmp, pip-cache and repository mounts live in a
# private mount namespace, so the kernel drops them when the command ends, Ctrl-C and kill
# included (the trap below is only a second belt). Needs root; lane_unavailable says why not.

LANES_MIRROR=${V2C_DEBIAN_MIRROR:-http://deb.debian.org/debian}
LANES_BOOTSTRAP_INCLUDE="python3.14,python3.14-venv,ca-certificates"
LANES_APT_PACKAGES="gcc g++ libc6-dev python3.14-dev"
LANES_RECIPE="v1 sid minbase $LANES_BOOTSTRAP_INCLUDE | $LANES_APT_PACKAGES | $LANES_MIRROR"
LANES_VENV_ROOT=/opt/v2c-lanes # inside the chroot
LANES_PIP=(--quiet --disable-pip-version-check)

lanes_dir() { echo "${V2C_LANES_DIR:-$ROOT/.lanes}"; }
chroot_dir() { echo "$(lanes_dir)/sid"; }

# python_at_least PY MAJOR MINOR PATCH: true when PY runs and is at least that version.
python_at_least() {
  "$1" -c "import sys; sys.exit(0 if sys.version_info[:3] >= ($2, $3, $4) else 1)" 2>/dev/null
}

# host_python LANE: print a Python on this machine good enough for LANE, or fail.
host_python() {
  local lane=$1 c candidates=() min
  if [ "$lane" = newest ]; then min="3 14 2"; else min="3 13 2"; fi
  [ -n "${PYTHON314:-}" ] && candidates+=("$PYTHON314")
  candidates+=(python3.14 /usr/local/bin/python3.14)
  [ "$lane" = middle ] && candidates+=(python3.13 /usr/local/bin/python3.13)
  for c in "$HOME"/.pyenv/versions/3.14*/bin/python3.14 "$HOME"/.pyenv/versions/3.13*/bin/python3.13; do
    [ -x "$c" ] && candidates+=("$c")
  done
  for c in "${candidates[@]}"; do
    # shellcheck disable=SC2086
    if command -v "$c" >/dev/null 2>&1 && python_at_least "$c" $min; then
      command -v "$c"
      return 0
    fi
  done
  return 1
}

# lane_unavailable [LANE]: print why the chroot can't be built here (empty when it can).
lane_unavailable() {
  local need="Python >= 3.14.2"
  [ "${1:-}" = middle ] && need="Python >= 3.13.2"
  if [ "$(id -u)" != 0 ]; then
    echo "no $need on this machine, and building the Debian sid chroot with one needs root"
  elif ! command -v unshare >/dev/null 2>&1; then
    echo "no $need on this machine, and no 'unshare' (util-linux) to run the chroot"
  fi
}

# chroot_ready: true when the cached chroot matches the recipe.
chroot_ready() {
  local dir stamp
  dir=$(chroot_dir)
  stamp="$dir.recipe"
  [ -x "$dir/usr/bin/python3.14" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$LANES_RECIPE" ]
}

# refuse_if_mounted DIR: never delete a tree that still has something mounted inside it.
refuse_if_mounted() {
  if awk '{print $5}' /proc/self/mountinfo | grep -q "^$1\(/\|$\)"; then
    echo "error: something is still mounted under $1; unmount it first (findmnt -R $1)." >&2
    return 1
  fi
}

# in_chroot DIR [--bind PATH]... -- CMD...: run CMD inside DIR in a private mount namespace, in the
# current directory (bind it), with /tmp and the host's pip cache shared.
in_chroot() {
  local dir=$1 binds=()
  shift
  while [ "$1" = --bind ]; do binds+=("$2"); shift 2; done
  [ "$1" = -- ] && shift
  cp -L /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true
  [ -f /etc/ssl/certs/ca-certificates.crt ] && cp /etc/ssl/certs/ca-certificates.crt "$dir/etc/ssl/certs/"
  [ -f /etc/pip.conf ] && cp /etc/pip.conf "$dir/etc/pip.conf"
  mkdir -p "$HOME/.cache/pip"
  # shellcheck disable=SC2016
  unshare --mount --propagation private -- /bin/bash -c '
    set -e
    dir=$1 nbinds=$2; shift 2
    mount -t proc proc "$dir/proc"
    mount --rbind /dev "$dir/dev"
    mount --bind /tmp "$dir/tmp"
    mkdir -p "$dir/root/.cache/pip"
    mount --bind "$HOME/.cache/pip" "$dir/root/.cache/pip"
    for _ in $(seq "$nbinds"); do
      mkdir -p "$dir$1"
      mount --bind "$1" "$dir$1"
      shift
    done
    cwd=$PWD
    export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
    unset VIRTUAL_ENV PYTHONHOME PYTHONPATH
    exec chroot "$dir" /bin/sh -c "cd \"\$0\" 2>/dev/null || cd /; exec \"\$@\"" "$cwd" "$@"
  ' in_chroot "$dir" "${#binds[@]}" "${binds[@]}" "$@"
}

# ensure_chroot: build .lanes/sid when missing or when the recipe changed (~1-2 min, once).
ensure_chroot() {
  local dir tmp why
  dir=$(chroot_dir)
  chroot_ready && return 0
  why=$(lane_unavailable "${1:-}")
  if [ -n "$why" ]; then echo "error: $why" >&2; return 1; fi
  mkdir -p "$(lanes_dir)"
  (
    flock 9
    chroot_ready && exit 0
    tmp="$dir.build"
    refuse_if_mounted "$tmp" && refuse_if_mounted "$dir" || exit 1
    rm -rf "$tmp" "$dir" "$dir.recipe"
    if ! command -v debootstrap >/dev/null 2>&1; then
      echo "Installing debootstrap with apt-get..." >&2
      { apt-get update -qq && apt-get install -y -qq debootstrap; } >&2 || exit 1
    fi
    echo "Building a Debian sid chroot with Python 3.14 in $dir (once, ~2 min)..." >&2
    debootstrap --variant=minbase --include="$LANES_BOOTSTRAP_INCLUDE" sid "$tmp" "$LANES_MIRROR" \
      >"$(lanes_dir)/debootstrap.log" 2>&1 \
      || { echo "error: debootstrap failed, see $(lanes_dir)/debootstrap.log" >&2; exit 1; }
    # shellcheck disable=SC2086
    in_chroot "$tmp" -- /bin/sh -c "apt-get -o Acquire::Check-Valid-Until=false update -qq \
      && DEBIAN_FRONTEND=noninteractive apt-get -o Acquire::Check-Valid-Until=false install -y -qq \
      --no-install-recommends $LANES_APT_PACKAGES && apt-get clean" \
      >>"$(lanes_dir)/debootstrap.log" 2>&1 \
      || { echo "error: apt-get in the chroot failed, see $(lanes_dir)/debootstrap.log" >&2; exit 1; }
    mv "$tmp" "$dir"
    echo "$LANES_RECIPE" >"$dir.recipe"
  ) 9>"$(lanes_dir)/.build.lock"
}

# lane_mode LANE: "host PYTHON" or "chroot" (the chroot is built on demand).
lane_mode() {
  local py
  if [ -z "${V2C_LANES_FORCE_CHROOT:-}" ] && py=$(host_python "$1"); then
    echo "host $py"
  else
    echo chroot
  fi
}

# lane_venv LANE: the lane venv's directory as the lane's commands see it.
lane_venv() {
  if [ "$(lane_mode "$1" | cut -d' ' -f1)" = host ]; then
    echo "$(lanes_dir)/venv-$1"
  else
    echo "$LANES_VENV_ROOT/$1"
  fi
}

# lane_exec LANE CMD...: run CMD for LANE (in the chroot with the repository bound at its path,
# plus the current directory and V2C_LANES_BIND, colon-separated, when they lie elsewhere).
lane_exec() {
  local lane=$1 mode binds=() extra
  shift
  mode=$(lane_mode "$lane")
  if [ "${mode%% *}" = host ]; then
    "$@"
    return
  fi
  binds=(--bind "$ROOT")
  case "$PWD/" in "$ROOT"/*) ;; *) binds+=(--bind "$PWD") ;; esac
  # A git worktree keeps its metadata in the main clone (setuptools-scm, git describe...).
  if [ -f "$ROOT/.git" ]; then
    extra=$(sed -n 's/^gitdir: \(.*\)\/worktrees\/.*/\1/p' "$ROOT/.git")
    [ -n "$extra" ] && [ -d "$extra" ] && binds+=(--bind "$extra")
  fi
  local IFS=:
  for extra in ${V2C_LANES_BIND:-}; do [ -d "$extra" ] && binds+=(--bind "$extra"); done
  unset IFS
  in_chroot "$(chroot_dir)" "${binds[@]}" -- "$@"
}

# ensure_lane_venv LANE REQUIREMENTS: create or reuse the lane's venv, keyed by the sha256 of the
# requirements file (and the Python it was built with).
ensure_lane_venv() {
  local lane=$1 req=$2 mode venv want host_venv stamp_path
  mode=$(lane_mode "$lane")
  venv=$(lane_venv "$lane")
  if [ "${mode%% *}" = chroot ]; then
    ensure_chroot "$lane" || return 1
    stamp_path="$(chroot_dir)$venv/.requirements.sha256"
  else
    stamp_path="$venv/.requirements.sha256"
  fi
  want="$(sha256sum "$req" | cut -d' ' -f1) $mode"
  if [ -f "$stamp_path" ] && [ "$(cat "$stamp_path")" = "$want" ]; then
    return 0
  fi
  host_venv="$venv"
  [ "${mode%% *}" = chroot ] && host_venv="$(chroot_dir)$venv"
  echo "Setting up the $lane lane venv ($lane, $req; takes a few minutes the first time)..." >&2
  rm -rf "$host_venv"
  if [ "${mode%% *}" = host ]; then
    "${mode#host }" -m venv "$venv" || return 1
  else
    lane_exec "$lane" python3.14 -m venv "$venv" || return 1
  fi
  lane_exec "$lane" "$venv/bin/python" -m pip install "${LANES_PIP[@]}" --upgrade pip || return 1
  lane_exec "$lane" "$venv/bin/python" -m pip install "${LANES_PIP[@]}" -r "$req" || return 1
  echo "$want" >"$stamp_path"
}
