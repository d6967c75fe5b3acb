import type { Schemas } from "./api";

type Score = Schemas["ScoreRead"];

/** The newest score per scorer name (a trace may be scored again after a scorer changes). */
export function latestByName(scores: Score[]): Map<string, Score> {
  const latest = new Map<string, Score>();
  for (const score of scores) {
    const seen = latest.get(score.name);
    if (!seen || seen.created_at <= score.created_at) latest.set(score.name, score);
  }
  return latest;
}

export interface ScoreDelta {
  name: string;
  base: Score | null;
  other: Score | null;
  /** other − base, when both exist. */
  delta: number | null;
}

export function scoreDeltas(base: Score[], other: Score[]): ScoreDelta[] {
  const a = latestByName(base);
  const b = latestByName(other);
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  return names.map((name) => {
    const left = a.get(name) ?? null;
    const right = b.get(name) ?? null;
    return {
      name,
      base: left,
      other: right,
      delta: left && right ? right.value - left.value : null,
    };
  });
}
