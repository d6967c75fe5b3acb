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

/** The values a scorer gives, worst to best (`GET /api/scorers`). */
export interface ScoreRange {
  min: number;
  max: number;
}

/** Where `value` sits in its scorer's range, 0 (worst) to 1 (best); null when it cannot say. */
export function scoreFraction(value: number | null | undefined, range: ScoreRange | null): number | null {
  if (value === null || value === undefined || !Number.isFinite(value) || !range) return null;
  if (!(range.max > range.min)) return null;
  return Math.min(1, Math.max(0, (value - range.min) / (range.max - range.min)));
}

/**
 * One colour scale for every score, in five steps of its scorer's range: 0 red (the worst
 * fifth), 1 orange, 2 amber, 3 lime, 4 green (the best fifth). So 0.875 of 1 is green and 0.031
 * red, and 75 of 100 reads as 0.75 of 1 does.
 */
export function scoreStep(fraction: number): 0 | 1 | 2 | 3 | 4 {
  return Math.min(4, Math.floor(fraction * 5)) as 0 | 1 | 2 | 3 | 4;
}

/**
 * The range of a weighted total reward, Σ weight × scorer value: each scorer adds its best end
 * times a positive weight (its worst end times a negative one) to the maximum. Null when a
 * weighted scorer's range is unknown.
 */
export function weightedRange(weights: Record<string, number>, ranges: Map<string, ScoreRange>): ScoreRange | null {
  let min = 0;
  let max = 0;
  for (const [name, weight] of Object.entries(weights)) {
    const range = ranges.get(name);
    if (!range) return null;
    min += weight >= 0 ? weight * range.min : weight * range.max;
    max += weight >= 0 ? weight * range.max : weight * range.min;
  }
  return max > min ? { min, max } : null;
}

/** "1 × format_exact + 1 × answer_match": how a total reward is made. */
export function describeWeights(weights: Record<string, number>): string {
  return Object.entries(weights)
    .map(([name, weight], i) => `${i === 0 ? (weight < 0 ? "−" : "") : weight < 0 ? " − " : " + "}${Math.abs(weight)} × ${name}`)
    .join("");
}
