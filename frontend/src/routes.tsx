import { Navigate, type RouteObject } from "react-router";
import { Layout } from "./components/Layout";
import { RouteError } from "./components/RouteError";
import { ComparePage } from "./pages/ComparePage";
import { DatasetPage } from "./pages/DatasetPage";
import { DatasetsPage } from "./pages/DatasetsPage";
import { EvaluationComparePage } from "./pages/EvaluationComparePage";
import { EvaluationPage } from "./pages/EvaluationPage";
import { EvaluationsPage } from "./pages/EvaluationsPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { TracePage } from "./pages/TracePage";
import { RunPage } from "./pages/RunPage";
import { RunsPage } from "./pages/RunsPage";
import { TracesPage } from "./pages/TracesPage";
import { UngarPage } from "./pages/UngarPage";

// Every URL of the dashboard. The server falls back to index.html for these, so each is a real,
// shareable address. A new page adds a route here and an entry in nav.ts.
export const routes: RouteObject[] = [
  {
    element: <Layout />,
    errorElement: <RouteError />,
    children: [
      { index: true, element: <Navigate to="/traces" replace /> },
      { path: "traces", element: <TracesPage /> },
      { path: "traces/:id", element: <TracePage /> },
      { path: "compare", element: <ComparePage /> },
      { path: "datasets", element: <DatasetsPage /> },
      { path: "datasets/:key", element: <DatasetPage /> },
      { path: "runs", element: <RunsPage /> },
      { path: "runs/:id", element: <RunPage /> },
      { path: "evaluations", element: <EvaluationsPage /> },
      { path: "evaluations/compare", element: <EvaluationComparePage /> },
      { path: "evaluations/:id", element: <EvaluationPage /> },
      { path: "ungar", element: <UngarPage /> },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
];
