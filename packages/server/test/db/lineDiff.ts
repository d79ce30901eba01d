/** A small line diff (LCS) with context, for readable schema-drift failures, without a dependency. */
const CONTEXT = 2;

export function lineDiff(expected: string, actual: string): string {
  const ops = diffOps(expected.split('\n'), actual.split('\n'));
  const near = (i: number) => ops.slice(Math.max(0, i - CONTEXT), i + CONTEXT + 1).some((o) => o.tag !== ' ');
  const out: string[] = [];
  ops.forEach((op, i) => {
    if (op.tag !== ' ' || near(i)) out.push(`${op.tag} ${op.line}`);
    else if (out[out.length - 1] !== '  ...') out.push('  ...');
  });
  return out.join('\n');
}

function diffOps(a: string[], b: string[]): Array<{ tag: ' ' | '-' | '+'; line: string }> {
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const ops: Array<{ tag: ' ' | '-' | '+'; line: string }> = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ tag: ' ', line: a[i++] as string });
      j++;
    } else if (j < b.length && (i >= a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      ops.push({ tag: '+', line: b[j++] as string });
    } else {
      ops.push({ tag: '-', line: a[i++] as string });
    }
  }
  return ops;
}
