import { Navigate, type RouteObject } from "react-router";
import { Layout } from "./components/Layout";
import { RouteError } from "./components/RouteError";
import { ComparePage } from "./pages/ComparePage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { TracePage } from "./pages/TracePage";
import { TracesPage } from "./pages/TracesPage";

// Every URL of the dashboard. The server falls back to index.html for these, so each is a real,
// shareable address. A new page adds a route here and an entry in nav.ts.
// The trace pages (where most time is spent) are in the main bundle; the others load on first
// visit, keeping the first load small.
export const routes: RouteObject[] = [
  {
    element: <Layout />,
    errorElement: <RouteError />,
    children: [
      { index: true, element: <Navigate to="/traces" replace /> },
      { path: "traces", element: <TracesPage /> },
      { path: "traces/:id", element: <TracePage /> },
      { path: "compare", element: <ComparePage /> },
      {
        path: "datasets",
        lazy: () => import("./pages/DatasetsPage").then((m) => ({ Component: m.DatasetsPage })),
      },
      {
        path: "datasets/:key",
        lazy: () => import("./pages/DatasetPage").then((m) => ({ Component: m.DatasetPage })),
      },
      { path: "runs", lazy: () => import("./pages/RunsPage").then((m) => ({ Component: m.RunsPage })) },
      { path: "runs/:id", lazy: () => import("./pages/RunPage").then((m) => ({ Component: m.RunPage })) },
      {
        path: "evaluations",
        lazy: () => import("./pages/EvaluationsPage").then((m) => ({ Component: m.EvaluationsPage })),
      },
      {
        path: "evaluations/compare",
        lazy: () =>
          import("./pages/EvaluationComparePage").then((m) => ({ Component: m.EvaluationComparePage })),
      },
      {
        path: "evaluations/:id",
        lazy: () => import("./pages/EvaluationPage").then((m) => ({ Component: m.EvaluationPage })),
      },
      { path: "ungar", lazy: () => import("./pages/UngarPage").then((m) => ({ Component: m.UngarPage })) },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
];
