import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { NavLink, Outlet, useLocation } from "react-router";
import { api, unwrap } from "../lib/api";
import { NAV_SECTIONS } from "../nav";
import { ApiKeyGate, ApiKeyStatus } from "./ApiKeyGate";
import { Icon } from "./Icon";
import { ToastProvider } from "./Toasts";

function HealthIndicator() {
  const health = useQuery({
    queryKey: ["health"],
    queryFn: ({ signal }) => unwrap(api.GET("/api/health", { signal })),
    refetchInterval: 30_000,
    retry: false,
  });
  const data = health.data;
  const ok = data?.status === "ok";
  const label = health.isPending
    ? "Connecting…"
    : data && ok
      ? `API ${data.version} · ${data.database.dialect}`
      : "API unreachable";
  return (
    <div className="health" role="status" title={health.data?.database.revision ?? undefined}>
      <span className={`dot ${health.isPending ? "dot-idle" : ok ? "dot-ok" : "dot-bad"}`} />
      <span>{label}</span>
    </div>
  );
}

/** Moves focus to the page title after client-side navigation, as a page load would. */
function useFocusOnNavigate() {
  const location = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const title = document.getElementById("page-title");
    title?.focus({ preventScroll: true });
  }, [location.pathname]);
}

export function Layout() {
  useFocusOnNavigate();
  return (
    <ToastProvider>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <div className="shell">
        <aside className="sidebar">
          <div className="brand">
            <span className="brand-mark" aria-hidden="true">
              t
            </span>
            <span className="brand-name">tunix-rt</span>
          </div>
          <nav aria-label="Main">
            {NAV_SECTIONS.map((section) => (
              <div key={section.label} className="nav-section">
                <div className="nav-heading">{section.label}</div>
                <ul>
                  {section.items.map((item) => (
                    <li key={item.to}>
                      <NavLink to={item.to} className="nav-link">
                        <Icon name={item.icon} />
                        <span>{item.label}</span>
                      </NavLink>
                    </li>
                  ))}
                </ul>
              </div>
            ))}
          </nav>
          <div className="sidebar-footer">
            <HealthIndicator />
            <ApiKeyStatus />
            <a className="sidebar-docs" href="/docs" target="_blank" rel="noreferrer">
              API docs <Icon name="external" size={12} />
            </a>
          </div>
        </aside>
        <main id="main" className="main" tabIndex={-1}>
          <Outlet />
        </main>
      </div>
      <ApiKeyGate />
    </ToastProvider>
  );
}
