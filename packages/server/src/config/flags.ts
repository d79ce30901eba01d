/**
 * A small command-line flag parser with MLflow/click conventions: `--flag value`,
 * `--flag=value`, short aliases, boolean pairs (`--serve-artifacts/--no-serve-artifacts`).
 */
export interface FlagSpec {
  readonly name: string;
  readonly short?: string;
  readonly kind: 'string' | 'boolean';
  /** Boolean flags: also accept `--no-<name>` to set false. */
  readonly negatable?: boolean;
}

export interface ParsedFlags {
  values: Map<string, string | boolean>;
  positionals: string[];
  problems: string[];
}

export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[]): ParsedFlags {
  const byLong = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short as string, s]));
  const values = new Map<string, string | boolean>();
  const positionals: string[] = [];
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    let spec = name.startsWith('--') ? byLong.get(name.slice(2)) : byShort.get(name.slice(1));
    let negated = false;
    if (!spec && name.startsWith('--no-')) {
      const positive = byLong.get(name.slice(5));
      if (positive?.negatable) {
        spec = positive;
        negated = true;
      }
    }
    if (!spec) {
      problems.push(`No such option: ${name}`);
      // most likely a mistyped option with a value: do not report the value as an extra argument
      if (inline === undefined && argv[i + 1] !== undefined && !(argv[i + 1] as string).startsWith('-')) i++;
      continue;
    }
    if (spec.kind === 'boolean') {
      if (inline !== undefined) problems.push(`Option ${name} does not take a value`);
      values.set(spec.name, !negated);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) {
      problems.push(`Option ${name} requires an argument`);
      continue;
    }
    values.set(spec.name, value);
  }
  return { values, positionals, problems };
}
