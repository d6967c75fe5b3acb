import { useId } from "react";
import { Link, useSearchParams } from "react-router";
import { Badge, Card, Time } from "../components/bits";
import { Icon } from "../components/Icon";
import { PageHeader } from "../components/PageHeader";
import { EmptyState, ErrorState, LoadingState } from "../components/states";
import { domainOf, IntervalBar } from "../features/evaluations/Interval";
import { useEvaluationComparison, type Evaluation } from "../features/evaluations/queries";
import { ApiError, type Schemas } from "../lib/api";
import { formatCount, formatDelta, formatScore } from "../lib/format";

type Changed = Schemas["ChangedItem"];

function EvalCard({ evaluation, role }: { evaluation: Evaluation; role: string }) {
  return (
    <div className="cmp-trace-head">
      <div className="cmp-role">{role}</div>
      <Link to={`/evaluations/${evaluation.id}`} className="strong">
        {evaluation.name}
      </Link>
      <div className="meta-line">
        <span className="mono">{evaluation.model}</span>
        <span>{formatCount(evaluation.item_count)} items</span>
        <Time iso={evaluation.created_at} />
      </div>
    </div>
  );
}

interface SideContext {
  before: string;
  after: string;
  back: string;
}

function ChangedList({
  items,
  total,
  kind,
  context,
}: {
  items: Changed[];
  total: number;
  kind: "fixed" | "broken";
  context: SideContext;
}) {
  if (!items.length) {
    return (
      <p className="muted empty-inline">
        {kind === "fixed" ? "No item went from wrong to right." : "No item went from right to wrong."}
      </p>
    );
  }
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">Items {kind}</caption>
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col">Prompt</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
            <th scope="col">Reference</th>
            <th scope="col">
              <span className="visually-hidden">Open</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.item_id}>
              <td className="mono nowrap">{item.item_id}</td>
              <td className="col-prompt">{item.prompt_preview}</td>
              <td className={`mono ${kind === "fixed" ? "answer-wrong" : "answer-right"}`}>{item.before_answer || "—"}</td>
              <td className={`mono ${kind === "fixed" ? "answer-right" : "answer-wrong"}`}>{item.after_answer || "—"}</td>
              <td className="mono">{item.reference_answer ?? "—"}</td>
              <td>
                <Link
                  className="btn btn-sm"
                  to={`/compare?${new URLSearchParams({
                    base: item.before_trace_id,
                    other: item.after_trace_id,
                    base_label: `${context.before} (before)`,
                    other_label: `${context.after} (after)`,
                    back: context.back,
                    back_label: "Back to the evaluation comparison",
                  }).toString()}`}
                  aria-label={`Open item ${item.item_id} before and after side by side`}
                >
                  <Icon name="compare" size={14} /> Side by side
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {total > items.length ? (
        <p className="field-hint table-note">
          Showing the first {formatCount(items.length)} of {formatCount(total)}.
        </p>
      ) : null}
    </div>
  );
}

export function EvaluationComparePage() {
  const [search, setSearch] = useSearchParams();
  const before = search.get("before") ?? "";
  const after = search.get("after") ?? "";
  const keyScorer = search.get("key") ?? "answer_match";
  const comparison = useEvaluationComparison(before, after, keyScorer);
  // The tab is in the URL, so that a side-by-side opened from it comes back to the same list.
  const tab: "fixed" | "broken" = search.get("tab") === "broken" ? "broken" : "fixed";
  const setTab = (next: "fixed" | "broken") =>
    setSearch(
      (params) => {
        params.set("tab", next);
        return params;
      },
      { replace: true },
    );
  const id = useId();
  const back = (
    <Link to="/evaluations" className="crumb">
      <Icon name="back" size={12} /> Evaluations
    </Link>
  );

  if (!before || !after) {
    return (
      <div className="page">
        <PageHeader eyebrow={back} title="Before / after" />
        <EmptyState title="Pick two evaluations" action={<Link className="btn" to="/evaluations">Choose on the evaluations page</Link>}>
          Select two evaluations of the same eval set (for example the base model and a trained
          checkpoint) and press Compare.
        </EmptyState>
      </div>
    );
  }

  return (
    <div className="page page-wide">
      <PageHeader
        eyebrow={back}
        title="Before / after"
        subtitle="Paired over the items both evaluations share; intervals are 95% bootstrap."
        actions={
          <button type="button" className="btn" onClick={() => setSearch({ before: after, after: before, key: keyScorer })}>
            ⇄ Swap
          </button>
        }
      />
      {comparison.isPending ? (
        <LoadingState label="Comparing evaluations" rows={8} />
      ) : comparison.isError ? (
        comparison.error instanceof ApiError && [404, 422].includes(comparison.error.status) ? (
          <EmptyState title="These evaluations cannot be compared">{comparison.error.message}</EmptyState>
        ) : (
          <ErrorState error={comparison.error} onRetry={() => void comparison.refetch()} />
        )
      ) : (
        (() => {
          const c = comparison.data;
          const rows = Object.entries(c.scorers).sort(([a], [b]) =>
            a === c.key_scorer ? -1 : b === c.key_scorer ? 1 : a.localeCompare(b),
          );
          const deltaDomain = domainOf(rows.flatMap(([, s]) => [s.delta, s.ci_low, s.ci_high]), true);
          const sides: SideContext = {
            before: c.before.name,
            after: c.after.name,
            back: `/evaluations/compare?${search.toString()}`,
          };
          return (
            <>
              <div className="cmp-row">
                <EvalCard evaluation={c.before} role="Before" />
                <EvalCard evaluation={c.after} role="After" />
              </div>
              <Card
                title="Per scorer"
                id="scorers"
                actions={
                  <div className="field inline-field">
                    <label htmlFor={`${id}-key`}>Fixed/broken by</label>
                    <select id={`${id}-key`} value={c.key_scorer} onChange={(e) => setSearch({ before, after, key: e.target.value })}>
                      {rows.map(([name]) => (
                        <option key={name} value={name}>
                          {name}
                        </option>
                      ))}
                    </select>
                  </div>
                }
              >
                <div className="table-wrap">
                  <table className="table delta-table">
                    <caption className="visually-hidden">Mean per scorer before and after, and the paired change</caption>
                    <thead>
                      <tr>
                        <th scope="col">Scorer</th>
                        <th scope="col" className="num">
                          n
                        </th>
                        <th scope="col" className="num">
                          Before
                        </th>
                        <th scope="col" className="num">
                          After
                        </th>
                        <th scope="col" className="num">
                          Δ after − before
                        </th>
                        <th scope="col">95% interval of Δ</th>
                        <th scope="col" className="col-interval">
                          <span className="visually-hidden">Interval chart</span>
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {rows.map(([name, s]) => (
                        <tr key={name}>
                          <th scope="row" className="mono">
                            {name}
                            {name === c.key_scorer ? <Badge tone="accent">key</Badge> : null}
                          </th>
                          <td className="num">{formatCount(s.n)}</td>
                          <td className="num mono">{formatScore(s.before_mean)}</td>
                          <td className="num mono">{formatScore(s.after_mean)}</td>
                          <td
                            className={`num mono strong ${s.delta === null || s.delta === 0 ? "" : s.delta > 0 ? "delta-up" : "delta-down"}`}
                          >
                            {formatDelta(s.delta)}
                          </td>
                          <td className="mono">
                            {s.ci_low !== null && s.ci_high !== null ? `[${formatDelta(s.ci_low)}, ${formatDelta(s.ci_high)}]` : "—"}
                          </td>
                          <td className="col-interval">
                            <IntervalBar value={s.delta} low={s.ci_low} high={s.ci_high} domain={deltaDomain} zero />
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                <p className="field-hint">
                  The bars share one axis, with the line at 0: an interval that does not cross it is a
                  change unlikely to be noise.
                </p>
              </Card>
              <section className="card" aria-label="Changed items">
                <div className="card-header">
                  <div role="tablist" aria-label="Changed items" className="tabs">
                    <button
                      type="button"
                      role="tab"
                      id={`${id}-tab-fixed`}
                      aria-selected={tab === "fixed"}
                      aria-controls={`${id}-panel`}
                      className="tab"
                      onClick={() => setTab("fixed")}
                    >
                      Fixed <Badge tone="success">{formatCount(c.fixed_count)}</Badge>
                    </button>
                    <button
                      type="button"
                      role="tab"
                      id={`${id}-tab-broken`}
                      aria-selected={tab === "broken"}
                      aria-controls={`${id}-panel`}
                      className="tab"
                      onClick={() => setTab("broken")}
                    >
                      Broken <Badge tone="danger">{formatCount(c.broken_count)}</Badge>
                    </button>
                  </div>
                  <span className="field-hint">by {c.key_scorer}</span>
                </div>
                <div className="card-body" role="tabpanel" id={`${id}-panel`} aria-labelledby={`${id}-tab-${tab}`}>
                  {tab === "fixed" ? (
                    <ChangedList items={c.fixed} total={c.fixed_count} kind="fixed" context={sides} />
                  ) : (
                    <ChangedList items={c.broken} total={c.broken_count} kind="broken" context={sides} />
                  )}
                </div>
              </section>
            </>
          );
        })()
      )}
    </div>
  );
}
