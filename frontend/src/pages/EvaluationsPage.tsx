import { useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { Badge, Time } from "../components/bits";
import { Icon } from "../components/Icon";
import { PageHeader } from "../components/PageHeader";
import { EmptyState, ErrorState, LoadingState } from "../components/states";
import { useEvaluations, type Evaluation } from "../features/evaluations/queries";
import { formatCount, formatScore } from "../lib/format";
import { RunName } from "../features/runs/RunName";

const KEY_SCORER = "answer_match";

function Mean({ evaluation, scorer }: { evaluation: Evaluation; scorer: string }) {
  const s = evaluation.summary[scorer];
  if (!s || s.mean === null) return <span className="muted">—</span>;
  return (
    <span className="mono" title={s.ci_low !== null && s.ci_high !== null ? `95% interval ${formatScore(s.ci_low)}–${formatScore(s.ci_high)}` : undefined}>
      <span className="strong">{formatScore(s.mean)}</span>
      {s.ci_low !== null && s.ci_high !== null ? (
        <span className="muted small">
          {" "}
          [{formatScore(s.ci_low)}, {formatScore(s.ci_high)}]
        </span>
      ) : null}
    </span>
  );
}

export function EvaluationsPage() {
  const [search] = useSearchParams();
  const runId = search.get("run");
  const evaluations = useEvaluations(runId);
  const [selected, setSelected] = useState<string[]>([]);
  const navigate = useNavigate();

  const items = evaluations.data?.items ?? [];
  const scorers = [...new Set(items.flatMap((e) => Object.keys(e.summary)))].sort((a, b) =>
    a === KEY_SCORER ? -1 : b === KEY_SCORER ? 1 : a.localeCompare(b),
  );
  const toggle = (id: string) =>
    setSelected((current) => (current.includes(id) ? current.filter((x) => x !== id) : [...current, id].slice(-2)));
  // The older evaluation is "before".
  const ordered = selected
    .map((id) => items.find((e) => e.id === id))
    .filter((e): e is Evaluation => Boolean(e))
    .sort((a, b) => a.created_at.localeCompare(b.created_at));
  const compareHref =
    ordered.length === 2 ? `/evaluations/compare?before=${ordered[0]!.id}&after=${ordered[1]!.id}` : null;

  return (
    <div className="page">
      <PageHeader
        title="Evaluations"
        subtitle={
          runId ? (
            <span>
              Of <Link to={`/runs/${runId}`}><RunName id={runId} /></Link> ·{" "}
              <Link to="/evaluations">show all</Link>
            </span>
          ) : (
            "A model's answers on an eval set, scored. Select two to see what training fixed and broke."
          )
        }
        actions={
          <button
            type="button"
            className="btn btn-primary"
            disabled={!compareHref}
            onClick={() => compareHref && navigate(compareHref)}
            title={compareHref ? "Compare before and after" : "Select two evaluations"}
          >
            <Icon name="compare" /> Compare before/after{selected.length ? ` (${selected.length}/2)` : ""}
          </button>
        }
      />
      <section className="card card-flush" aria-label="Evaluations">
        {evaluations.isPending ? (
          <LoadingState label="Loading evaluations" />
        ) : evaluations.isError ? (
          <ErrorState error={evaluations.error} title="Could not load evaluations" onRetry={() => void evaluations.refetch()} />
        ) : items.length === 0 ? (
          <EmptyState title="No evaluations yet">
            Run <code>tunix-rt-train eval</code> on the base model and on a trained checkpoint; each
            posts its outputs here, scored.
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table trace-table">
              <caption className="visually-hidden">Evaluations, newest first. Select two to compare.</caption>
              <thead>
                <tr>
                  <th scope="col" className="col-select">
                    <span className="visually-hidden">Select</span>
                  </th>
                  <th scope="col">Evaluation</th>
                  <th scope="col">Model</th>
                  <th scope="col">Dataset</th>
                  <th scope="col" className="num">
                    Items
                  </th>
                  {scorers.map((s) => (
                    <th key={s} scope="col">
                      {s}
                    </th>
                  ))}
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {items.map((e) => (
                  <tr
                    key={e.id}
                    className={selected.includes(e.id) ? "selected" : undefined}
                    aria-selected={selected.includes(e.id)}
                    onClick={(event) => {
                      if ((event.target as HTMLElement).closest("a,button,input,label")) return;
                      navigate(`/evaluations/${e.id}`);
                    }}
                  >
                    <td className="col-select">
                      <input
                        type="checkbox"
                        checked={selected.includes(e.id)}
                        onChange={() => toggle(e.id)}
                        aria-label={`Select evaluation ${e.name} to compare`}
                      />
                    </td>
                    <td>
                      <Link className="row-link" to={`/evaluations/${e.id}`}>
                        {e.name}
                      </Link>
                    </td>
                    <td>
                      <span className="mono">{e.model}</span>
                      {e.run_id ? (
                        <>
                          {" "}
                          <Link to={`/runs/${e.run_id}`}>
                            <Badge tone="accent"><RunName id={e.run_id} /></Badge>
                          </Link>
                        </>
                      ) : null}
                    </td>
                    <td className="mono">
                      {e.dataset_key ?? "—"}
                      {e.split ? <span className="muted"> · {e.split}</span> : null}
                    </td>
                    <td className="num">{formatCount(e.item_count)}</td>
                    {scorers.map((s) => (
                      <td key={s}>
                        <Mean evaluation={e} scorer={s} />
                      </td>
                    ))}
                    <td className="col-time">
                      <Time iso={e.created_at} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
