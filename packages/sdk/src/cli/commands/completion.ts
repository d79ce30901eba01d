/** `completion bash|zsh`: a completion script built from the command tree itself. */
import type { Command } from 'commander';
import { UsageError } from '../output.js';

function tree(program: Command): Record<string, string[]> {
  const out: Record<string, string[]> = { '': program.commands.map((c) => c.name()) };
  for (const c of program.commands) {
    out[c.name()] = [...c.commands.map((s) => s.name()), ...c.options.map((o) => o.long ?? '').filter(Boolean)];
  }
  return out;
}

export function completionScript(program: Command, shell: string, bin: string): string {
  const t = tree(program);
  const cases = Object.entries(t)
    .filter(([k]) => k !== '')
    .map(([k, words]) => `    ${k}) words="${words.join(' ')} --json --help" ;;`)
    .join('\n');
  const fn = `_${bin.replace(/[^a-zA-Z0-9]/g, '_')}_complete`;
  const bash = `${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" words
  if [ "$COMP_CWORD" -eq 1 ]; then
    words="${(t[''] ?? []).join(' ')} --help --version"
  else
    case "\${COMP_WORDS[1]}" in
${cases}
    *) words="" ;;
    esac
  fi
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
}
complete -o default -F ${fn} ${bin}
`;
  if (shell === 'bash') return bash;
  if (shell === 'zsh') return `autoload -U +X bashcompinit && bashcompinit\n${bash}`;
  throw new UsageError(`shell must be bash or zsh, got '${shell}'`);
}

export function completionCommand(program: Command, out: (s: string) => void, bin: string): void {
  program
    .command('completion <shell>')
    .description('Print a shell completion script (bash or zsh)')
    .addHelpText('after', `\nInstall:\n  echo 'source <(${bin} completion bash)' >> ~/.bashrc\n  echo 'source <(${bin} completion zsh)' >> ~/.zshrc`)
    .action((shell: string) => out(completionScript(program, shell, bin)));
}
