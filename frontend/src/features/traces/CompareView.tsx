import type { ReactNode } from "react";
import { Link } from "react-router";
import { Badge, TagList, Time } from "../../components/bits";
import type { Schemas } from "../../lib/api";
import { alignSteps, diffWords, type DiffPart } from "../../lib/diff";
import { formatDelta, shortId } from "../../lib/format";
import { latestByName, scoreDeltas } from "../../lib/scores";
import { ScoreValue } from "../scores/ScoreValue";

type Trace = Schemas["TraceWithScores"];

/** One side of a word diff: the base shows what it lost, the other what it gained. */
export function DiffText({ parts, side }: { parts: DiffPart[]; side: "base" | "other" }) {
  const hidden = side === "base" ? "added" : "removed";
  return (
    <>
      {parts
        .filter((part) => part.kind !== hidden)
        .map((part, index) =>
          part.kind === "same" ? (
            <span key={index}>{part.text}</span>
          ) : part.kind === "removed" ? (
            <del key={index} className="diff-removed">
              {part.text}
            </del>
          ) : (
            <ins key={index} className="diff-added">
              {part.text}
            </ins>
          ),
        )}
    </>
  );
}

/** Right or wrong by the side's latest answer_match, when it has one. */
function Verdict({ trace }: { trace: Trace }) {
  const score = latestByName(trace.scores).get("answer_match");
  if (!score) return null;
  return score.value >= 1 ? <Badge tone="success">✓ right</Badge> : <Badge tone="danger">✗ wrong</Badge>;
}

function SideBySide({
  label,
  base,
  other,
  mono = true,
  verdicts,
}: {
  label: string;
  base: string | null;
  other: string | null;
  mono?: boolean;
  verdicts?: [ReactNode, ReactNode];
}) {
  const same = base === other;
  const cls = mono ? "mono-block" : "prose-block";
  const parts = same ? [] : diffWords(base ?? "", other ?? "");
  const side = (text: string | null, which: "base" | "other") => (
    <>
      {verdicts ? <div className="cmp-verdict">{verdicts[which === "base" ? 0 : 1]}</div> : null}
      {text === null ? <span className="muted">(none)</span> : (
        <pre className={cls}>
          <DiffText parts={parts} side={which} />
        </pre>
      )}
    </>
  );
  return (
    <section className="cmp-section" aria-label={label}>
      <h2 className="cmp-heading">
        {label} {same ? <Badge>same on both sides</Badge> : <Badge tone="warning">differs</Badge>}
      </h2>
      <div className="cmp-row">
        {same ? (
          <div className="cmp-cell cmp-span">
            {verdicts ? (
              <div className="cmp-verdict">
                {verdicts[0]} {verdicts[1]}
              </div>
            ) : null}
            {base === null ? <span className="muted">(none on either side)</span> : <pre className={cls}>{base}</pre>}
          </div>
        ) : (
          <>
            <div className="cmp-cell cmp-changed">{side(base, "base")}</div>
            <div className="cmp-cell cmp-changed">{side(other, "other")}</div>
          </>
        )}
      </div>
    </section>
  );
}

function StepsComparison({ base, other }: { base: Trace; other: Trace }) {
  const rows = alignSteps(base.steps, other.steps);
  const changed = rows.filter((row) => row.status !== "same").length;
  return (
    <section className="cmp-section" aria-label="Reasoning steps">
      <h2 className="cmp-heading">
        Reasoning{" "}
        {changed ? (
          <Badge tone="warning">
            {changed} of {rows.length} rows differ
          </Badge>
        ) : (
          <Badge>identical</Badge>
        )}
      </h2>
      {rows.length === 0 ? <p className="muted">Neither trace has reasoning steps.</p> : null}
      <ol className="cmp-steps">
        {rows.map((row, index) => {
          const parts = row.status === "changed" ? diffWords(row.base!.content, row.other!.content) : null;
          return (
            <li key={index} className={`cmp-row cmp-step cmp-${row.status}`} data-status={row.status}>
              <div className="cmp-cell">
                {row.base ? (
                  <>
                    <span className="step-index" aria-label={`Base step ${row.baseIndex! + 1}`}>
                      {row.baseIndex! + 1}
                    </span>
                    <pre className="mono-block">
                      {parts ? <DiffText parts={parts} side="base" /> : row.base.content}
                    </pre>
                  </>
                ) : (
                  <span className="cmp-gap">no matching step</span>
                )}
              </div>
              <div className="cmp-cell">
                {row.other ? (
                  <>
                    <span className="step-index" aria-label={`Other step ${row.otherIndex! + 1}`}>
                      {row.otherIndex! + 1}
                    </span>
                    <pre className="mono-block">
                      {parts ? <DiffText parts={parts} side="other" /> : row.other.content}
                    </pre>
                  </>
                ) : (
                  <span className="cmp-gap">no matching step</span>
                )}
              </div>
              <span className="visually-hidden">{row.status}</span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

export function ScoreDeltaTable({ base, other }: { base: Trace; other: Trace }) {
  const deltas = scoreDeltas(base.scores, other.scores);
  if (!deltas.length) {
    return <p className="muted empty-inline">Neither trace has scores yet. Open one to run a scorer.</p>;
  }
  return (
    <div className="table-wrap">
      <table className="table delta-table">
        <caption className="visually-hidden">Latest score per scorer, and the change from base to other</caption>
        <thead>
          <tr>
            <th scope="col">Scorer</th>
            <th scope="col" className="num">
              Base
            </th>
            <th scope="col" className="num">
              Other
            </th>
            <th scope="col" className="num">
              Δ other − base
            </th>
          </tr>
        </thead>
        <tbody>
          {deltas.map((row) => (
            <tr key={row.name}>
              <th scope="row" className="mono">
                {row.name}
              </th>
              <td className="num">
                <ScoreValue name={row.name} value={row.base?.value} />
              </td>
              <td className="num">
                <ScoreValue name={row.name} value={row.other?.value} />
              </td>
              <td
                className={`num mono strong ${row.delta === null || row.delta === 0 ? "" : row.delta > 0 ? "delta-up" : "delta-down"}`}
              >
                {formatDelta(row.delta)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function TraceHeader({ trace, role }: { trace: Trace; role: string }) {
  return (
    <div className="cmp-trace-head">
      <div className="cmp-role">{role}</div>
      <Link to={`/traces/${trace.id}`} className="mono strong">
        {shortId(trace.id)}
      </Link>
      <div className="meta-line">
        <Badge tone="accent">{trace.source}</Badge>
        <span>
          {trace.step_count} {trace.step_count === 1 ? "step" : "steps"}
        </span>
        <Time iso={trace.created_at} />
        <TagList tags={trace.tags} />
      </div>
    </div>
  );
}

/** Two traces side by side; `labels` name the sides (e.g. "SFT (before)"), else Base/Other. */
export function CompareView({
  comparison,
  labels,
}: {
  comparison: Schemas["TraceComparison"];
  labels?: { base: string; other: string };
}) {
  const { base, other } = comparison;
  return (
    <div className="compare">
      <div className="cmp-row cmp-heads">
        <TraceHeader trace={base} role={labels?.base ?? "Base"} />
        <TraceHeader trace={other} role={labels?.other ?? "Other"} />
      </div>
      <section className="card" aria-labelledby="deltas-title">
        <div className="card-header">
          <h2 className="card-title" id="deltas-title">
            Score deltas
          </h2>
        </div>
        <div className="card-body">
          <ScoreDeltaTable base={base} other={other} />
        </div>
      </section>
      <div className="card">
        <div className="card-body">
          <SideBySide label="Prompt" base={base.prompt} other={other.prompt} mono={false} />
          <StepsComparison base={base} other={other} />
          <SideBySide
            label="Final answer"
            base={base.final_answer}
            other={other.final_answer}
            verdicts={[<Verdict key="base" trace={base} />, <Verdict key="other" trace={other} />]}
          />
          <SideBySide label="Reference answer" base={base.reference_answer} other={other.reference_answer} />
        </div>
      </div>
    </div>
  );
}
