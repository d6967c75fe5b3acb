// Small, dependency-free diffs for the compare view: words within a text, and steps within a trace.

export type DiffKind = "same" | "added" | "removed";

export interface DiffPart {
  kind: DiffKind;
  text: string;
}

// Beyond this many cells the LCS table is not worth it: the texts are shown as replaced wholesale.
const MAX_CELLS = 4_000_000;

/** Longest-common-subsequence alignment of two token lists. */
function lcsAlign<T>(a: T[], b: T[], equal: (x: T, y: T) => boolean): [number, number][] | null {
  if (a.length * b.length > MAX_CELLS) return null;
  const width = b.length + 1;
  const table = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * width + j] = equal(a[i]!, b[j]!)
        ? table[(i + 1) * width + j + 1]! + 1
        : Math.max(table[(i + 1) * width + j]!, table[i * width + j + 1]!);
    }
  }
  const pairs: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (equal(a[i]!, b[j]!)) {
      pairs.push([i, j]);
      i++;
      j++;
    } else if (table[(i + 1) * width + j]! >= table[i * width + j + 1]!) {
      i++;
    } else {
      j++;
    }
  }
  return pairs;
}

function tokenize(text: string): string[] {
  return text.match(/\s+|[^\s]+/g) ?? [];
}

function push(parts: DiffPart[], kind: DiffKind, text: string): void {
  if (!text) return;
  const last = parts[parts.length - 1];
  if (last && last.kind === kind) last.text += text;
  else parts.push({ kind, text });
}

/** Word-level diff of two texts: `removed` parts are only in `base`, `added` only in `other`. */
export function diffWords(base: string, other: string): DiffPart[] {
  if (base === other) return base ? [{ kind: "same", text: base }] : [];
  const a = tokenize(base);
  const b = tokenize(other);
  const pairs = lcsAlign(a, b, (x, y) => x === y);
  const parts: DiffPart[] = [];
  if (pairs === null) {
    push(parts, "removed", base);
    push(parts, "added", other);
    return parts;
  }
  let i = 0;
  let j = 0;
  for (const [pi, pj] of [...pairs, [a.length, b.length] as [number, number]]) {
    push(parts, "removed", a.slice(i, pi).join(""));
    push(parts, "added", b.slice(j, pj).join(""));
    if (pi < a.length) push(parts, "same", a[pi]!);
    i = pi + 1;
    j = pj + 1;
  }
  return parts;
}

export interface StepLike {
  type: string;
  content: string;
}

export type StepRowStatus = "same" | "changed" | "added" | "removed";

export interface StepRow<S extends StepLike = StepLike> {
  status: StepRowStatus;
  base: S | null;
  other: S | null;
  baseIndex: number | null;
  otherIndex: number | null;
}

const normalize = (text: string): string => text.trim().replace(/\s+/g, " ");

/**
 * Aligns two step lists: identical steps line up, a removed step next to an added one becomes a
 * single `changed` row, so the view can show them side by side with a word diff.
 */
export function alignSteps<S extends StepLike>(base: S[], other: S[]): StepRow<S>[] {
  const pairs =
    lcsAlign(base, other, (x, y) => normalize(x.content) === normalize(y.content)) ?? [];
  const rows: StepRow<S>[] = [];
  let i = 0;
  let j = 0;
  const flush = (endI: number, endJ: number): void => {
    while (i < endI || j < endJ) {
      if (i < endI && j < endJ) {
        rows.push({ status: "changed", base: base[i]!, other: other[j]!, baseIndex: i, otherIndex: j });
        i++;
        j++;
      } else if (i < endI) {
        rows.push({ status: "removed", base: base[i]!, other: null, baseIndex: i, otherIndex: null });
        i++;
      } else {
        rows.push({ status: "added", base: null, other: other[j]!, baseIndex: null, otherIndex: j });
        j++;
      }
    }
  };
  for (const [pi, pj] of pairs) {
    flush(pi, pj);
    rows.push({ status: "same", base: base[pi]!, other: other[pj]!, baseIndex: pi, otherIndex: pj });
    i = pi + 1;
    j = pj + 1;
  }
  flush(base.length, other.length);
  return rows;
}
