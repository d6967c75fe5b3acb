import { describe, expect, it } from "vitest";
import { formatCount, formatDelta, formatRelative, formatScore, shortId } from "./format";

describe("format", () => {
  const now = new Date("2025-01-10T12:00:00Z");

  it("says how long ago, in the largest whole unit", () => {
    expect(formatRelative("2025-01-10T11:59:50Z", now)).toBe("just now");
    expect(formatRelative("2025-01-10T11:55:00Z", now)).toBe("5 min ago");
    expect(formatRelative("2025-01-10T09:00:00Z", now)).toBe("3 h ago");
    expect(formatRelative("2025-01-07T12:00:00Z", now)).toBe("3 d ago");
    expect(formatRelative("not a date", now)).toBe("not a date");
  });

  it("formats scores, deltas and counts", () => {
    expect(formatScore(1)).toBe("1");
    expect(formatScore(0.333333)).toBe("0.3333");
    expect(formatScore(null)).toBe("—");
    expect(formatDelta(0.5)).toBe("+0.5");
    expect(formatDelta(-1)).toBe("−1");
    expect(formatDelta(0)).toBe("±0");
    expect(formatDelta(null)).toBe("—");
    expect(formatCount(1234567)).toBe("1,234,567");
  });

  it("shortens UUIDv7 ids by their random tail, so ids stored together still differ", () => {
    expect(shortId("01a20169-16e7-7109-8127-4816811c949a")).toBe("811c949a");
    expect(shortId("01a20169-16e7-7109-8127-4816811c0000")).not.toBe(
      shortId("01a20169-16e7-7109-8127-4816811c949a"),
    );
  });
});
