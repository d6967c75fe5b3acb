import { describe, expect, it } from "vitest";
import {
  activeFilterCount,
  EMPTY_FILTERS,
  filtersFromSearch,
  filtersToQuery,
  filtersToSearch,
  parseMetadata,
} from "./filters";

describe("trace filters", () => {
  it("parses KEY=VALUE metadata and reports what is not", () => {
    expect(parseMetadata("split=test, level=3 bogus =x")).toEqual({
      pairs: [
        ["split", "test"],
        ["level", "3"],
      ],
      invalid: ["bogus", "=x"],
    });
  });

  it("round-trips through the URL", () => {
    const filters = {
      ...EMPTY_FILTERS,
      source: "gsm8k",
      tags: ["a", "b"],
      metadata: [["split", "test"]] as [string, string][],
      q: "ducks",
      createdAfter: "2025-01-01T00:00",
    };
    const search = filtersToSearch(filters);
    expect(search.toString()).toBe(
      "source=gsm8k&tag=a&tag=b&meta=split%3Dtest&q=ducks&after=2025-01-01T00%3A00",
    );
    expect(filtersFromSearch(search)).toEqual(filters);
    expect(activeFilterCount(filters)).toBe(6);
  });

  it("sends metadata as metadata.KEY and dates as ISO instants", () => {
    const query = filtersToQuery({
      ...EMPTY_FILTERS,
      tags: ["x"],
      metadata: [["model.name", "gemma"]],
      createdBefore: "2025-03-04T05:06",
    });
    expect(query["metadata.model.name"]).toBe("gemma");
    expect(query.tag).toEqual(["x"]);
    expect(query.created_before).toBe(new Date("2025-03-04T05:06").toISOString());
    expect(filtersToQuery(EMPTY_FILTERS)).toEqual({});
  });
});
