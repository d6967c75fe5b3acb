import { useId } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { Card, Time } from "../components/bits";
import { Icon } from "../components/Icon";
import { PageHeader } from "../components/PageHeader";
import { EmptyState, ErrorState, LoadingState } from "../components/states";
import { domainOf, IntervalBar } from "../features/evaluations/Interval";
import { useEvaluation, useEvaluationItems, type ItemFilter } from "../features/evaluations/queries";
import { ResponseText } from "../features/runs/RolloutGroup";
import { useScorerRanges } from "../features/scores/queries";
import type { ScoreRange } from "../lib/scores";
import { ApiError } from "../lib/api";
import { formatCount, formatScore } from "../lib/format";
import { ScoreValue } from "../features/scores/ScoreValue";
import { RunName } from "../features/runs/RunName";

/** The item filters offered for an evaluation's scorers: each at its worst and at its best. */
export function itemFilters(scorers: string[], ranges: Map<string, ScoreRange>): { key: string; label: string; filter: ItemFilter }[] {
  return scorers.flatMap((scorer) => {
    const range = ranges.get(scorer);
    if (!range) return [];
    const answer = scorer === "answer_match";
    return [
      {
        key: `${scorer}:worst`,
        label: answer ? "Wrong answers (answer_match 0)" : `${scorer} at its worst (${formatScore(range.min)})`,
        filter: { scorer, max_value: range.min },
      },
      {
        key: `${scorer}:best`,
        label: answer ? "Right answers (answer_match 1)" : `${scorer} at its best (${formatScore(range.max)})`,
        filter: { scorer, min_value: range.max },
      },
    ];
  });
}

export function EvaluationPage() {
  const { id = "" } = useParams();
  const evaluation = useEvaluation(id);
  const ranges = useScorerRanges();
  const [search, setSearch] = useSearchParams();
  const showId = useId();
  const filters = itemFilters(evaluation.data?.scorers ?? [], ranges);
  const shown = filters.find((f) => f.key === search.get("show")) ?? null;
  const items = useEvaluationItems(id, shown?.filter ?? null);
  const back = (
    <Link to="/evaluations" className="crumb">
      <Icon name="back" size={12} /> Evaluations
    </Link>
  );
  if (evaluation.isPending) {
    return (
      <div className="page">
        <PageHeader eyebrow={back} title="Evaluation" />
        <LoadingState label="Loading evaluation" />
      </div>
    );
  }
  if (evaluation.isError) {
    return (
      <div className="page">
        <PageHeader eyebrow={back} title="Evaluation" />
        {evaluation.error instanceof ApiError && [404, 422].includes(evaluation.error.status) ? (
          <EmptyState title="Evaluation not found">No evaluation has the id <code>{id}</code>.</EmptyState>
        ) : (
          <ErrorState error={evaluation.error} onRetry={() => void evaluation.refetch()} />
        )}
      </div>
    );
  }
  const e = evaluation.data;
  const summary = Object.entries(e.summary);
  const domain = domainOf(summary.flatMap(([, s]) => [s.mean, s.ci_low, s.ci_high]), true);
  const rows = items.data?.pages.flatMap((p) => p.items) ?? [];
  const scorers = e.scorers;

  return (
    <div className="page">
      <PageHeader
        eyebrow={back}
        title={e.name}
        subtitle={
          <span className="meta-line">
            <span className="mono">{e.model}</span>
            {e.run_id ? (
              <Link to={`/runs/${e.run_id}`} className="mono">
                <RunName id={e.run_id} />
              </Link>
            ) : null}
            {e.dataset_key ? <span className="mono">{e.dataset_key}{e.split ? ` · ${e.split}` : ""}</span> : null}
            <span>{formatCount(e.item_count)} items</span>
            <Time iso={e.created_at} />
          </span>
        }
      />
      <Card title="Scores (mean, 95% interval)" id="summary">
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Scorer</th>
                <th scope="col" className="num">n</th>
                <th scope="col" className="num">Mean</th>
                <th scope="col">95% interval</th>
                <th scope="col" className="col-interval"><span className="visually-hidden">Interval chart</span></th>
              </tr>
            </thead>
            <tbody>
              {summary.map(([name, s]) => (
                <tr key={name}>
                  <th scope="row" className="mono">{name}</th>
                  <td className="num">{formatCount(s.count)}</td>
                  <td className="num strong">
                    <ScoreValue name={name} value={s.mean} />
                  </td>
                  <td className="mono">{s.ci_low !== null && s.ci_high !== null ? `[${formatScore(s.ci_low)}, ${formatScore(s.ci_high)}]` : "—"}</td>
                  <td className="col-interval">
                    <IntervalBar value={s.mean} low={s.ci_low} high={s.ci_high} domain={domain} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
      <section className="card card-flush" aria-label="Items">
        <div className="card-header">
          <h2 className="card-title">Items</h2>
          {filters.length ? (
            <div className="field inline-field">
              <label htmlFor={showId}>Show</label>
              <select
                id={showId}
                value={shown?.key ?? ""}
                onChange={(event) =>
                  setSearch(
                    (params) => {
                      if (event.target.value) params.set("show", event.target.value);
                      else params.delete("show");
                      return params;
                    },
                    { replace: true },
                  )
                }
              >
                <option value="">All items</option>
                {filters.map((f) => (
                  <option key={f.key} value={f.key}>
                    {f.label}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
        </div>
        {items.isPending ? (
          <LoadingState label="Loading items" />
        ) : items.isError ? (
          <ErrorState error={items.error} onRetry={() => void items.refetch()} />
        ) : rows.length === 0 ? (
          <EmptyState title={shown ? "No item matches" : "No items"}>{shown ? `None of the ${formatCount(e.item_count)} items: ${shown.label.toLowerCase()}.` : null}</EmptyState>
        ) : (
          <>
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Item</th>
                    <th scope="col">Prompt</th>
                    <th scope="col">Answer</th>
                    <th scope="col">Reference</th>
                    <th scope="col">Model output</th>
                    {scorers.map((s) => (
                      <th key={s} scope="col" className="num">{s}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {rows.map((item) => (
                    <tr key={item.item_id}>
                      <td className="mono">
                        <Link to={`/traces/${item.trace_id}`}>{item.item_id}</Link>
                      </td>
                      <td className="col-prompt">{item.prompt_preview}</td>
                      <td className="mono">{item.final_answer || "—"}</td>
                      <td className="mono">{item.reference_answer ?? "—"}</td>
                      <td className="col-response">
                        {item.response !== null && item.response !== undefined ? (
                          <details>
                            <summary>raw ({formatCount(item.response.length)} chars)</summary>
                            <ResponseText text={item.response} />
                          </details>
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </td>
                      {scorers.map((s) => (
                        <td key={s} className="num">
                          <ScoreValue name={s} value={item.scores[s]} />
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div className="table-footer">
              <span className="muted">
                Showing {formatCount(rows.length)} of {formatCount(items.data?.pages[0]?.matched ?? e.item_count)}
                {shown ? ` (${shown.label.toLowerCase()}; ${formatCount(e.item_count)} items in all)` : ""}
              </span>
              {items.hasNextPage ? (
                <button type="button" className="btn" onClick={() => void items.fetchNextPage()} disabled={items.isFetchingNextPage}>
                  {items.isFetchingNextPage ? "Loading…" : "Load more"}
                </button>
              ) : (
                <span className="muted">End of list</span>
              )}
            </div>
          </>
        )}
      </section>
    </div>
  );
}
