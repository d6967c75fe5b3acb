import { useId, useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { Icon } from "../components/Icon";
import { PageHeader } from "../components/PageHeader";
import { EmptyState, ErrorState, LoadingState } from "../components/states";
import { CompareView } from "../features/traces/CompareView";
import { useTraceComparison } from "../features/traces/queries";
import { ApiError } from "../lib/api";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function PickForm({ base, other }: { base: string; other: string }) {
  const [, setSearch] = useSearchParams();
  const [draft, setDraft] = useState({ base, other });
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const b = draft.base.trim();
    const o = draft.other.trim();
    if (!UUID.test(b) || !UUID.test(o)) {
      setError("Both fields need a full trace id (a UUID, as shown on a trace's page).");
      return;
    }
    setError(null);
    setSearch({ base: b, other: o });
  };
  return (
    <form className="card pick-form" onSubmit={submit} aria-label="Choose two traces">
      <div className="card-body inline-form">
        <div className="field grow">
          <label htmlFor={`${id}-base`}>Base trace id</label>
          <input
            id={`${id}-base`}
            className="mono"
            value={draft.base}
            onChange={(e) => setDraft((d) => ({ ...d, base: e.target.value }))}
            placeholder="00000000-0000-0000-0000-000000000000"
          />
        </div>
        <div className="field grow">
          <label htmlFor={`${id}-other`}>Other trace id</label>
          <input
            id={`${id}-other`}
            className="mono"
            value={draft.other}
            onChange={(e) => setDraft((d) => ({ ...d, other: e.target.value }))}
            placeholder="00000000-0000-0000-0000-000000000000"
          />
        </div>
        <button type="submit" className="btn btn-primary">
          <Icon name="compare" /> Compare
        </button>
        {error ? (
          <p className="inline-error full" role="alert">
            {error}
          </p>
        ) : (
          <p className="field-hint full">
            Or select two rows on the <Link to="/traces">traces page</Link> and press Compare.
          </p>
        )}
      </div>
    </form>
  );
}

/** A link back to where the comparison was opened from: a path of this app only. */
function backLink(search: URLSearchParams): { to: string; label: string } | null {
  const to = search.get("back");
  if (!to || !to.startsWith("/") || to.startsWith("//")) return null;
  return { to, label: search.get("back_label") || "Back" };
}

export function ComparePage() {
  const [search, setSearch] = useSearchParams();
  const base = search.get("base") ?? "";
  const other = search.get("other") ?? "";
  const baseLabel = search.get("base_label");
  const otherLabel = search.get("other_label");
  const labels = baseLabel && otherLabel ? { base: baseLabel, other: otherLabel } : undefined;
  const back = backLink(search);
  const ready = Boolean(base && other);
  const comparison = useTraceComparison(base, other);

  return (
    <div className="page page-wide">
      <PageHeader
        title="Compare traces"
        subtitle={
          labels
            ? `${labels.base} and ${labels.other} side by side: added text is blue, removed amber; score changes are ${labels.other} − ${labels.base}.`
            : "Side by side: added text is blue, removed amber; score changes are other − base."
        }
        actions={
          <>
            {back ? (
              <Link className="btn" to={back.to}>
                ← {back.label}
              </Link>
            ) : null}
            {ready ? (
              <button
                type="button"
                className="btn"
                onClick={() => {
                  const next = new URLSearchParams(search);
                  next.set("base", other);
                  next.set("other", base);
                  if (labels) {
                    next.set("base_label", labels.other);
                    next.set("other_label", labels.base);
                  }
                  setSearch(next);
                }}
                title="Swap the two sides"
              >
                ⇄ Swap
              </button>
            ) : null}
          </>
        }
      />
      {!ready ? (
        <PickForm base={base} other={other} />
      ) : comparison.isPending ? (
        <LoadingState label="Loading comparison" rows={8} />
      ) : comparison.isError ? (
        comparison.error instanceof ApiError && [404, 422].includes(comparison.error.status) ? (
          <>
            <EmptyState title="One of these traces does not exist">
              {comparison.error.message} Pick two other traces.
            </EmptyState>
            <PickForm base={base} other={other} />
          </>
        ) : (
          <ErrorState error={comparison.error} title="Could not load the comparison" onRetry={() => void comparison.refetch()} />
        )
      ) : (
        <CompareView comparison={comparison.data} labels={labels} />
      )}
    </div>
  );
}
