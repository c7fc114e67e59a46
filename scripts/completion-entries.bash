# shellcheck shell=bash
# Appended by `mvn package` to picocli's generated bash completion (target/sesame_completion):
# entry names for the NAME argument of the verbs that take one, and for `render --entry`. Names come
# from `sesame list`, run with stdin closed so a vault that needs a passphrase yields nothing instead
# of prompting; a vault opened by a key file ($SESAME_KEY_FILE) or KMS lists its names. No secret is
# read: `list` prints names, versions, labels and ages only.
# zsh: `autoload -U +X bashcompinit && bashcompinit`, then source this file as in bash.

_sesame_entry_names() {
  # A vault's table starts with a NAME header; a store's list (SESAME_STORE) is names only.
  "${COMP_WORDS[0]}" list </dev/null 2>/dev/null | awk 'NR == 1 && $1 == "NAME" { next } NF { print $1 }' | sort -u
}

_complete_sesame_with_entries() {
  local curr=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} verb=${COMP_WORDS[1]}
  local wants_entry=0
  if [[ $prev == --entry ]]; then
    wants_entry=1
  elif ((COMP_CWORD == 2)) && [[ $curr != -* ]]; then
    case $verb in
      get|rm|put|import|rotate|revoke|status|exec|doctor) wants_entry=1 ;;
    esac
  fi
  if ((wants_entry)); then
    local IFS=$'\n'
    # shellcheck disable=SC2207  # one name per line; names never hold spaces
    COMPREPLY=($(compgen -W "$(_sesame_entry_names)" -- "$curr"))
    return 0
  fi
  _complete_sesame "$@"
}

complete -F _complete_sesame_with_entries -o default sesame sesame.sh sesame.bash
