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
    ],
  },
];
