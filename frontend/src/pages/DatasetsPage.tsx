import { useMemo } from "react";
import { Link, useSearchParams } from "react-router";
import { Badge, Time } from "../components/bits";
import { Icon } from "../components/Icon";
import { PageHeader } from "../components/PageHeader";
import { EmptyState, ErrorState, LoadingState } from "../components/states";
import { BuildForm } from "../features/datasets/BuildForm";
import { useDatasets } from "../features/datasets/queries";
import { filtersFromSearch } from "../features/traces/filters";
import { formatCount } from "../lib/format";

export function DatasetsPage() {
  const datasets = useDatasets();
  const [search, setSearch] = useSearchParams();
  const building = search.has("build");
  const initial = useMemo(() => filtersFromSearch(search), [search]);

  return (
    <div className="page">
      <PageHeader
        title="Datasets"
        subtitle="Immutable, versioned selections of traces, exported in the formats Tunix trains on."
        actions={
          building ? undefined : (
            <button type="button" className="btn btn-primary" onClick={() => setSearch({ build: "1" })}>
              <Icon name="plus" /> New dataset
            </button>
          )
        }
      />
      {building ? <BuildForm initial={initial} onCancel={() => setSearch({})} /> : null}
      <section className="card card-flush" aria-label="Datasets">
        {datasets.isPending ? (
          <LoadingState label="Loading datasets" />
        ) : datasets.isError ? (
          <ErrorState error={datasets.error} title="Could not load datasets" onRetry={() => void datasets.refetch()} />
        ) : datasets.data.items.length === 0 ? (
          <EmptyState
            title="No datasets yet"
            action={
              building ? undefined : (
                <button type="button" className="btn" onClick={() => setSearch({ build: "1" })}>
                  Build the first one
                </button>
              )
            }
          >
            A dataset is a versioned selection of traces: filters, a selection strategy, a seed and
            a train/eval split, recorded in a manifest.
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Datasets, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Dataset</th>
                  <th scope="col" className="num">
                    Traces
                  </th>
                  <th scope="col">Split</th>
                  <th scope="col">Strategy</th>
                  <th scope="col">Description</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {datasets.data.items.map((d) => (
                  <tr key={d.dataset_key}>
                    <td>
                      <Link className="strong mono" to={`/datasets/${encodeURIComponent(d.dataset_key)}`}>
                        {d.dataset_key}
                      </Link>
                    </td>
                    <td className="num">{formatCount(d.trace_count)}</td>
                    <td>
                      {Object.keys(d.split_counts).length ? (
                        <span className="meta-line">
                          {Object.entries(d.split_counts).map(([split, n]) => (
                            <Badge key={split}>
                              {split} {formatCount(n)}
                            </Badge>
                          ))}
                        </span>
                      ) : (
                        <span className="muted">none</span>
                      )}
                    </td>
                    <td>
                      <span className="mono">{d.selection_strategy}</span>
                      {d.seed !== null ? <span className="muted small"> · seed {d.seed}</span> : null}
                    </td>
                    <td className="muted">{d.description ?? "—"}</td>
                    <td className="col-time">
                      <Time iso={d.created_at} />
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
