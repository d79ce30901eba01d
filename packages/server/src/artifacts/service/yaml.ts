/**
 * A minimal YAML writer for the model files the server itself creates (promptlab runs), in the
 * layout of PyYAML's `safe_dump(default_flow_style=False)`: keys sorted, block collections,
 * sequences not indented under their key. Strings that PyYAML would read back as something else
 * (numbers, booleans, null) or that need escaping are quoted, so the documents always load back
 * to the same values.
 */
export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

export function toYaml(value: { [key: string]: YamlValue }): string {
  return `${emitMapping(value, 0).join('\n')}\n`;
}

function emitMapping(map: { [key: string]: YamlValue }, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  for (const key of Object.keys(map).sort()) {
    const value = map[key] as YamlValue;
    const k = scalar(key);
    if (isBlock(value)) {
      lines.push(`${pad}${k}:`);
      lines.push(...(Array.isArray(value) ? emitSequence(value, indent) : emitMapping(value, indent + 2)));
    } else {
      lines.push(`${pad}${k}: ${inline(value)}`);
    }
  }
  return lines;
}

function emitSequence(items: YamlValue[], indent: number): string[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  for (const item of items) {
    if (!isBlock(item)) {
      lines.push(`${pad}- ${inline(item)}`);
      continue;
    }
    const inner = Array.isArray(item) ? emitSequence(item, indent + 2) : emitMapping(item, indent + 2);
    lines.push(`${pad}- ${(inner[0] ?? '').trimStart()}`, ...inner.slice(1));
  }
  return lines;
}

function isBlock(value: YamlValue): value is YamlValue[] | { [key: string]: YamlValue } {
  if (value === null || typeof value !== 'object') return false;
  return Array.isArray(value) ? value.length > 0 : Object.keys(value).length > 0;
}

function inline(value: YamlValue): string {
  if (Array.isArray(value)) return '[]';
  if (value !== null && typeof value === 'object') return '{}';
  return scalar(value);
}

const PLAIN = /^[A-Za-z0-9_/.][A-Za-z0-9_ ./=<>+@[\]{}(),?!$%^&*~;-]*$/;
/** What YAML 1.1 (PyYAML) would read as an int, float or date instead of a string. */
const NUMBER_OR_DATE = /^(?:[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*|(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[0-9][0-9_]*[eE][-+]?[0-9]+)|\d{4}-\d\d?-\d\d?.*)$/;
const RESERVED = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~|\.inf|\.nan)$/;

function scalar(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : value > 0 ? '.inf' : value < 0 ? '-.inf' : '.nan';
  if (PLAIN.test(value) && !value.endsWith(' ') && !RESERVED.test(value) && !NUMBER_OR_DATE.test(value)) return value;
  if (/^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*$/.test(value)) return `'${value.replace(/'/g, "''")}'`;
  return JSON.stringify(value); // JSON escapes are valid in YAML double-quoted scalars
}
