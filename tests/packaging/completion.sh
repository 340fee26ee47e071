#!/bin/sh
# The completions and the man page against the binary's own option set.
# Usage: completion.sh SOURCE_DIR BINARY bash|zsh|options
#   bash     the bash completion loads (complete -p) and completes commands,
#            options and the values of --mode, --counting and --format
#   zsh      the zsh completion parses and compinit registers it (skips
#            without zsh)
#   options  every option each command's --help lists is completed by bash,
#            named by zsh and described in doc/bootassess.1.scd
set -eu
source_dir=$1
binary=$2
fail() { echo "FAIL: $*" >&2; exit 1; }
bash_completion=$source_dir/completions/bootassess.bash
zsh_completion=$source_dir/completions/_bootassess

# Prints what bash completes for the words given, the last being the one
# completed, one per line.
complete_bash() {
  bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
    _bootassess; printf "%s\n" "${COMPREPLY[@]}"' sh "$bash_completion" "$@"
}
expect() {  # EXPECTED WORDS...
  expected=$1
  shift
  got=$(complete_bash "$@" | tr '\n' ' ' | sed 's/ $//')
  [ "$got" = "$expected" ] || fail "$*: completed '$got', expected '$expected'"
}

case $3 in
  bash)
    bash -c '. "$1" && complete -p bootassess' sh "$bash_completion" ||
      fail "bash does not register a completion for bootassess"
    expect "apply plan validate status check help version" bootassess ""
    expect "plan" bootassess pl
    expect "--help --version" bootassess --
    expect "auto active passive recovery autoreset live unknown" bootassess apply --mode ""
    expect "passive" bootassess plan --mode = pa
    expect "auto counted uncounted" bootassess apply --counting ""
    expect "text json prometheus" bootassess status --format ""
    expect "text json" bootassess plan --format ""
    expect "fallback" bootassess status --problem fal
    expect "--dry-run" bootassess apply --root / --dr
    expect "--all-modes" bootassess plan --al
    expect "--strict" bootassess validate --st
    expect "mount path tcp http command unit" bootassess check ""
    expect "--timeout --type" bootassess check path /etc --t
    expect "file fifo" bootassess check path /etc --type f
    expect "" bootassess check command -- /bin/sh --t
    echo "bash: complete -p bootassess, commands, options and values"
    ;;
  zsh)
    command -v zsh >/dev/null || { echo "skipped: no zsh"; exit 77; }
    zsh -n "$zsh_completion" || fail "zsh cannot parse $zsh_completion"
    got=$(zsh -f -c 'fpath=("$1" $fpath); autoload -Uz compinit; compinit -u -D
      print -r -- $_comps[bootassess]' zsh "$(dirname "$zsh_completion")")
    [ "$got" = _bootassess ] || fail "compinit does not register _bootassess: '$got'"
    echo "zsh: parses; compinit registers _bootassess for bootassess"
    ;;
  options)
    for command in apply plan validate status check; do
      "$binary" "$command" --help >/tmp/bootassess-help.$$ 2>&1 || true
      options=$(grep -o -- '--[a-z][a-z-]*' /tmp/bootassess-help.$$ | sort -u)
      rm -f /tmp/bootassess-help.$$
      [ -n "$options" ] || fail "$command --help lists no option"
      offered=$(complete_bash bootassess "$command" --)
      for option in $options; do
        echo "$offered" | grep -qx -- "$option" || fail "bash does not complete $command $option"
        grep -A200 "^        $command)" "$zsh_completion" | sed '/;;/q' | grep -q -- "$option" ||
          fail "zsh does not complete $command $option"
        grep -q -- "\*$option\*" "$source_dir/doc/bootassess.1.scd" ||
          fail "doc/bootassess.1.scd does not describe $option"
      done
      echo "$command:" "$(echo "$options" | tr '\n' ' ')"
    done
    ;;
  *) fail "unknown check $3" ;;
esac
