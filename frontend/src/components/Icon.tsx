// A handful of 16px stroke icons, inline so the bundle needs no icon font or library.
const PATHS = {
  traces: "M3 4h10M3 8h10M3 12h6",
  datasets: "M8 2c3.3 0 5 .9 5 2s-1.7 2-5 2-5-.9-5-2 1.7-2 5-2zM3 4v8c0 1.1 1.7 2 5 2s5-.9 5-2V4M3 8c0 1.1 1.7 2 5 2s5-.9 5-2",
  runs: "M2 13l3.5-4 3 2.5L14 4M10 4h4v4",
  evaluations: "M3 13V8M6.5 13V4M10 13V9M13.5 13V6",
  ungar: "M5.5 2.5h5v3h-5zM2.5 10.5h5v3h-5zM8.5 10.5h5v3h-5zM8 5.5v2.5M5 10.5V8h6v2.5",
  compare: "M2.5 3h4.5v10H2.5zM9 3h4.5v10H9z",
  trash: "M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.7 8.5h5.6l.7-8.5",
  search: "M7 12A5 5 0 1 0 7 2a5 5 0 0 0 0 10zM14 14l-3.5-3.5",
  filter: "M2.5 3.5h11l-4.2 5v4.2l-2.6 1.3V8.5z",
  close: "M4 4l8 8M12 4l-8 8",
  copy: "M5.5 5.5h7v7h-7zM3.5 10.5v-7h7",
  check: "M3 8.5l3.2 3L13 4.5",
  back: "M10 3L5 8l5 5",
  play: "M5 3.5l8 4.5-8 4.5z",
  plus: "M8 3v10M3 8h10",
  refresh: "M13 8a5 5 0 1 1-1.5-3.6M13 2.5V5h-2.5",
  external: "M9 3h4v4M13 3L7.5 8.5M11 9.5V13H3V5h3.5",
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 16 }: { name: IconName; size?: number }) {
  return (
    <svg
      className="icon"
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.5}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
