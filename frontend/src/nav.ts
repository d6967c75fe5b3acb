import type { IconName } from "./components/Icon";

export interface NavItem {
  to: string;
  label: string;
  icon: IconName;
}

export interface NavSection {
  label: string;
  items: NavItem[];
}

// One entry per page with a route in routes.tsx.
export const NAV_SECTIONS: NavSection[] = [
  {
    label: "Data",
    items: [
      { to: "/traces", label: "Traces", icon: "traces" },
      { to: "/compare", label: "Compare", icon: "compare" },
      { to: "/datasets", label: "Datasets", icon: "datasets" },
    ],
  },
  {
    label: "Training",
    items: [
      { to: "/runs", label: "Runs", icon: "runs" },
      { to: "/evaluations", label: "Evaluations", icon: "evaluations" },
    ],
  },
  {
    label: "Sources",
    items: [{ to: "/ungar", label: "UNGAR", icon: "ungar" }],
  },
];
