import { Navigate, type RouteObject } from "react-router";
import { Layout } from "./components/Layout";
import { RouteError } from "./components/RouteError";
import { ComparePage } from "./pages/ComparePage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { TracePage } from "./pages/TracePage";
import { TracesPage } from "./pages/TracesPage";

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
      { path: "*", element: <NotFoundPage /> },
    ],
  },
];
