import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { formatAxis, LineChart, niceTicks, tickLabels, valueAt } from "./LineChart";

describe("LineChart", () => {
  it("picks round ticks that cover the data", () => {
    expect(niceTicks(0, 200, 6)).toEqual([0, 50, 100, 150, 200]);
    expect(niceTicks(0.31, 2.29, 4)).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
    // The top tick covers the largest value even when it is just past a round one.
    expect(niceTicks(0.06, 4.38, 4)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(niceTicks(0, 0.125, 4)).toEqual([0, 0.05, 0.1, 0.15]);
    const flat = niceTicks(5, 5);
    expect(flat[0]).toBeLessThan(5);
    expect(flat[flat.length - 1]).toBeGreaterThan(5);
  });

  it("labels axes compactly at any magnitude", () => {
    expect(formatAxis(0.0001)).toBe("1.0e-4");
    expect(formatAxis(2340)).toBe("2.34k");
    expect(formatAxis(0.5)).toBe("0.5");
    // Neighbouring ticks never read alike: a learning rate's axis gets the digits it needs.
    const rates = niceTicks(1.0e-4, 1.2e-4, 4);
    expect(rates).toEqual([0.0001, 0.000105, 0.00011, 0.000115, 0.00012]);
    expect(rates.map((t) => formatAxis(t))).toContain("1.1e-4");
    expect(tickLabels(rates)).toEqual(["1.00e-4", "1.05e-4", "1.10e-4", "1.15e-4", "1.20e-4"]);
    expect(tickLabels([0, 50, 100])).toEqual(["0", "50", "100"]);
    expect(tickLabels([2000, 2500, 3000])).toEqual(["2k", "2.5k", "3k"]);
  });

  it("summarises the curve for screen readers and shows the hovered point", () => {
    const points = [
      { step: 10, value: 1.5 },
      { step: 0, value: 2.5 },
      { step: 20, value: 0.5 },
    ];
    render(<LineChart label="loss" points={points} />);
    const chart = screen.getByRole("img", { name: "loss: 3 points, from 2.5 at step 0 to 0.5 at step 20." });
    expect(screen.getByText("latest 0.5")).toBeInTheDocument();
    fireEvent.mouseMove(chart, { clientX: 0, clientY: 10 });
    expect(screen.getByText("step 0: 2.5")).toBeInTheDocument();
  });

  it("says when there is nothing to draw", () => {
    render(<LineChart label="loss" points={[]} />);
    expect(screen.getByText("No points yet.")).toBeInTheDocument();
  });

  it("draws several labelled lines with a legend and reads every one at the hovered step", () => {
    const series = [
      { label: "reward/total", points: [{ step: 0, value: 1 }, { step: 10, value: 2.5 }] },
      { label: "reward/answer_match", points: [{ step: 0, value: 0.25 }, { step: 10, value: 0.75 }] },
    ];
    render(<LineChart label="rewards" series={series} />);
    const chart = screen.getByRole("img", {
      name: "rewards: reward/total: 2 points, from 1 at step 0 to 2.5 at step 10; reward/answer_match: 2 points, from 0.25 at step 0 to 0.75 at step 10.",
    });
    const legend = screen.getByRole("list");
    expect(legend).toHaveTextContent("reward/total2.5");
    expect(legend).toHaveTextContent("reward/answer_match0.75");
    expect(chart.querySelectorAll("path")).toHaveLength(2);
    fireEvent.mouseMove(chart, { clientX: 0, clientY: 10 });
    expect(screen.getByText("step 0")).toBeInTheDocument();
    expect(legend).toHaveTextContent("reward/total1");
    expect(legend).toHaveTextContent("reward/answer_match0.25");
  });

  it("reads a sparse series at the last point at or before a step", () => {
    const points = [{ step: 0, value: 1 }, { step: 50, value: 2 }];
    expect(valueAt(points, 49)).toEqual({ step: 0, value: 1 });
    expect(valueAt(points, 50)).toEqual({ step: 50, value: 2 });
    expect(valueAt(points, -1)).toBeNull();
  });
});
