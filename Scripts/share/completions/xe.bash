# bash completion for xe: options, .xe scripts, plugins (.so and .xe) after --plugin.
# Installed by Scripts/install into share/bash-completion/completions/xe.
_xe() {
    local cur prev
    cur="${COMP_WORDS[COMP_CWORD]}"
    prev="${COMP_WORDS[COMP_CWORD-1]}"
    local i
    # After the script (or -e SOURCE, or -), the words are the program's own arguments.
    for ((i = 1; i < COMP_CWORD; i++)); do
        case "${COMP_WORDS[i]}" in
            --plugin) ((i++)) ;;
            -e|-i) ((i++)); [ "$i" -lt "$COMP_CWORD" ] && { COMPREPLY=($(compgen -f -- "$cur")); return; } ;;
            -) COMPREPLY=($(compgen -f -- "$cur")); return ;;
            -*) ;;
            *) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        esac
    done
    case "$prev" in
        --plugin)
            COMPREPLY=($(compgen -f -X '!*.@(so|xe)' -- "$cur") $(compgen -d -- "$cur"))
            return ;;
        -i)
            COMPREPLY=($(compgen -f -X '!*.xe' -- "$cur") $(compgen -d -- "$cur"))
            return ;;
        -e)
            return ;;
    esac
    if [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W '--plugin --no-plugins -q --quiet -e -i -h --help -V --version -' -- "$cur"))
    else
        COMPREPLY=($(compgen -f -X '!*.xe' -- "$cur") $(compgen -d -- "$cur"))
    fi
}
shopt -s extglob 2>/dev/null
complete -o filenames -F _xe xe
