# bash completion for bootassess(1)
# Installed as <datadir>/bash-completion/completions/bootassess; can also be
# sourced on its own: it needs nothing from the bash-completion package.

# COMPREPLY from compgen, one entry per line: file names may hold spaces.
_bootassess_reply() {
  mapfile -t COMPREPLY < <(compgen "$@")
}

_bootassess() {
  local cur prev cword words
  words=("${COMP_WORDS[@]}")
  cword=$COMP_CWORD
  cur=${words[cword]}
  prev=""
  [ "$cword" -gt 0 ] && prev=${words[cword - 1]}
  # "--mode=act" arrives as "--mode" "=" "act" (= is in COMP_WORDBREAKS).
  if [ "$cur" = "=" ]; then
    cur=""
  elif [ "$prev" = "=" ] && [ "$cword" -gt 1 ]; then
    prev=${words[cword - 2]}
  fi

  local commands="apply plan validate status check help version"
  local command="" i
  for ((i = 1; i < cword; i++)); do
    case ${words[i]} in
      apply | plan | validate | status | check | help | version)
        command=${words[i]}
        break
        ;;
    esac
  done

  if [ -z "$command" ]; then
    if [[ $cur == -* ]]; then
      _bootassess_reply -W "--help -h --version -V" -- "$cur"
    else
      _bootassess_reply -W "$commands" -- "$cur"
    fi
    return 0
  fi

  case $prev in
    --mode)
      _bootassess_reply -W "auto active passive recovery autoreset live unknown" -- "$cur"
      return 0
      ;;
    --counting)
      _bootassess_reply -W "auto counted uncounted" -- "$cur"
      return 0
      ;;
    --format)
      if [ "$command" = status ]; then
        _bootassess_reply -W "text json prometheus" -- "$cur"
      else
        _bootassess_reply -W "text json" -- "$cur"
      fi
      return 0
      ;;
    --problem)
      _bootassess_reply -W "good failed pending fallback no-gate unknown" -- "$cur"
      return 0
      ;;
    --condition-timeout | --timeout | --interval | --name | --status | --fstype)
      # A number of seconds, a name, a status code, a file system type:
      # nothing to offer.
      return 0
      ;;
    --type)
      _bootassess_reply -W "file directory symlink socket fifo block char" -- "$cur"
      return 0
      ;;
    --output)
      compopt -o filenames 2>/dev/null
      _bootassess_reply -f -- "$cur"
      return 0
      ;;
    -s | --stage)
      _bootassess_reply -W "initramfs.before initramfs initramfs.after rootfs.before rootfs
        rootfs.after" -- "$cur"
      return 0
      ;;
    --root | --esp)
      compopt -o filenames 2>/dev/null
      _bootassess_reply -d -- "$cur"
      return 0
      ;;
  esac

  local options=""
  case $command in
    apply)
      options="--stage -s --root --mode --counting --dry-run --runtime --no-shell
        --condition-timeout --quiet -q --verbose -v --help -h"
      ;;
    plan)
      options="--stage -s --root --mode --counting --all-modes --runtime --no-shell --verbose -v
        --format --help -h"
      ;;
    validate) options="--root --strict --no-shell --format --help -h" ;;
    status) options="--root --esp --format --output --notice --problem --help -h" ;;
    check)
      # After `--` comes the command's own argv.
      local k
      for ((k = i + 1; k < cword; k++)); do
        [ "${words[k]}" = "--" ] && return 0
      done
      options="--name --timeout --interval --fstype --type --status --help -h"
      ;;
    help)
      _bootassess_reply -W "apply plan validate status check version" -- "$cur"
      return 0
      ;;
    version) options="--help -h" ;;
  esac

  if [[ $cur == -* ]]; then
    _bootassess_reply -W "$options" -- "$cur"
  else
    case $command in
      apply | plan | validate)
        # SOURCE: a file, a directory or - for standard input.
        compopt -o filenames 2>/dev/null
        _bootassess_reply -f -- "$cur"
        ;;
      check)
        # KIND, then for mount and path a PATH.
        local kind="" j
        for ((j = i + 1; j < cword; j++)); do
          case ${words[j]} in
            --name | --timeout | --interval | --fstype | --type | --status) ((j++)) ;;
            -*) ;;
            *)
              kind=${words[j]}
              break
              ;;
          esac
        done
        case $kind in
          "") _bootassess_reply -W "mount path tcp http command unit" -- "$cur" ;;
          mount | path)
            compopt -o filenames 2>/dev/null
            _bootassess_reply -f -- "$cur"
            ;;
        esac
        ;;
    esac
  fi
  return 0
}

complete -F _bootassess bootassess
