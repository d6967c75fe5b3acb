import { useMemo, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { Icon } from "../components/Icon";
import { PageHeader } from "../components/PageHeader";
import { EmptyState, ErrorState, LoadingState } from "../components/states";
import { useToast } from "../components/Toasts";
import { ActiveFilters, FilterBar } from "../features/traces/FilterBar";
import {
  activeFilterCount,
  EMPTY_FILTERS,
  filtersFromSearch,
  filtersToSearch,
  type TraceFilters,
} from "../features/traces/filters";
import { ImportPanel } from "../features/traces/ImportPanel";
import { useLoadDemo, useTraceCount, useTraceList } from "../features/traces/queries";
import { TraceTable } from "../features/traces/TraceTable";
import { errorMessage } from "../lib/api";
import { formatCount, shortId } from "../lib/format";

export function TracesPage() {
  const [search, setSearch] = useSearchParams();
  const filters = useMemo(() => filtersFromSearch(search), [search]);
  const list = useTraceList(filters);
  const count = useTraceCount(filters);
  const [selected, setSelected] = useState<string[]>([]);
  const [importing, setImporting] = useState(false);
  const navigate = useNavigate();
  const demo = useLoadDemo();
  const notify = useToast();

  const apply = (next: TraceFilters) => setSearch(filtersToSearch(next));
  const toggle = (id: string) =>
    setSelected((current) =>
      current.includes(id) ? current.filter((x) => x !== id) : [...current, id].slice(-2),
    );

  const traces = useMemo(() => list.data?.pages.flatMap((page) => page.items) ?? [], [list.data]);
  const total = count.data?.count;
  const filtered = activeFilterCount(filters) > 0;
  const compareHref =
    selected.length === 2 ? `/compare?base=${selected[0]}&other=${selected[1]}` : undefined;

  return (
    <div className="page">
      <PageHeader
        title="Traces"
        subtitle={
          <span aria-live="polite">
            {total === undefined
              ? count.isError
                ? "Count unavailable"
                : "Counting…"
              : `${formatCount(total)} ${total === 1 ? "trace" : "traces"}${filtered ? " match these filters" : ""}`}
          </span>
        }
        actions={
          <>
          <button type="button" className="btn" onClick={() => setImporting((v) => !v)} aria-expanded={importing}>
            <Icon name="plus" /> Import
          </button>
          <Link
            className="btn"
            to={`/datasets?build=1${filtered ? `&${filtersToSearch(filters)}` : ""}`}
            title="Build a dataset from the traces these filters select"
          >
            <Icon name="datasets" /> Build dataset
          </Link>
          <button
            type="button"
            className="btn btn-primary"
            disabled={!compareHref}
            onClick={() => compareHref && navigate(compareHref)}
            title={compareHref ? "Compare the two selected traces" : "Select two traces to compare"}
          >
            <Icon name="compare" /> Compare{selected.length ? ` (${selected.length}/2)` : ""}
          </button>
          </>
        }
      />

      {importing ? <ImportPanel onClose={() => setImporting(false)} /> : null}
      <FilterBar filters={filters} onApply={apply} />
      <ActiveFilters filters={filters} onChange={apply} />

      {selected.length > 0 ? (
        <div className="selection-bar" role="region" aria-label="Selected traces">
          <span>
            {selected.length === 1
              ? `1 selected (${shortId(selected[0]!)}): pick one more to compare.`
              : `Comparing ${shortId(selected[0]!)} (base) with ${shortId(selected[1]!)}.`}
          </span>
          {compareHref ? (
            <Link className="btn btn-primary btn-sm" to={compareHref}>
              Open comparison
            </Link>
          ) : null}
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => setSelected([])}>
            Clear selection
          </button>
        </div>
      ) : null}

      <section className="card card-flush" aria-label="Trace list" aria-busy={list.isFetching}>
        {list.isPending ? (
          <LoadingState label="Loading traces" rows={10} />
        ) : list.isError && !traces.length ? (
          <ErrorState error={list.error} title="Could not load traces" onRetry={() => void list.refetch()} />
        ) : traces.length === 0 ? (
          filtered ? (
            <EmptyState
              title="No traces match these filters"
              action={
                <button type="button" className="btn" onClick={() => apply(EMPTY_FILTERS)}>
                  Clear filters
                </button>
              }
            >
              Loosen a filter or clear them all.
            </EmptyState>
          ) : (
            <EmptyState
              title="No traces yet"
              action={
                <button
                  type="button"
                  className="btn btn-primary"
                  disabled={demo.isPending}
                  onClick={() =>
                    demo.mutate(undefined, {
                      onSuccess: (loaded) =>
                        notify(
                          `Example data loaded in ${loaded.seconds.toFixed(1)} s: dataset ${loaded.dataset_key} is ready`,
                        ),
                    })
                  }
                >
                  {demo.isPending ? "Loading example data…" : "Load example data"}
                </button>
              }
            >
              <p>
                Start with the example data: GSM8K's 8,792 problems (they ship with tunix-rt),
                500 generated arithmetic problems, every one scored with <code>answer_match</code>,
                and a dataset with a held-out split, <code>gsm8k-demo-v1</code>. It takes a few
                seconds; <code>tunix-rt demo</code> does the same from the command line.
              </p>
              <p>
                Or bring your own: import a GSM8K or JSONL file with the Import button, send traces
                to <code>POST /api/traces/batch</code>, or run <code>tunix-rt import</code>.
              </p>
              {demo.isError ? (
                <p className="inline-error" role="alert">
                  Could not load the example data: {errorMessage(demo.error)}
                </p>
              ) : null}
            </EmptyState>
          )
        ) : (
          <>
            <TraceTable
              traces={traces}
              selected={selected}
              onToggle={toggle}
              onTag={(tag) =>
                filters.tags.includes(tag) || apply({ ...filters, tags: [...filters.tags, tag] })
              }
            />
            <div className="table-footer">
              <span className="muted">
                Showing {formatCount(traces.length)}
                {total !== undefined ? ` of ${formatCount(total)}` : ""}
              </span>
              {list.isError ? (
                <span className="inline-error" role="alert">
                  Could not load more: {list.error.message}
                </span>
              ) : null}
              {list.hasNextPage ? (
                <button
                  type="button"
                  className="btn"
                  onClick={() => void list.fetchNextPage()}
                  disabled={list.isFetchingNextPage}
                >
                  {list.isFetchingNextPage ? "Loading…" : "Load more"}
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
