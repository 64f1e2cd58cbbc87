import { infiniteQueryOptions } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";

export type Remote = "remote" | "hybrid" | "onsite" | "unknown";
export interface MatchFilters {
  minScore: string;
  remote: "" | Remote;
  location: string;
  excluded: boolean;
}

export const NO_FILTERS: MatchFilters = { minScore: "", remote: "", location: "", excluded: false };
const PAGE = 50; // a first screen shows a handful; "Show more" asks for the next 50

/** The ranked matches, a page at a time. The app shell prefetches the unfiltered first page on
 *  a navigation to /matches, so the request runs while the screen's chunk is still loading. */
export function matchesQuery(filters: MatchFilters) {
  return infiniteQueryOptions({
    queryKey: ["matches", filters],
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }) =>
      unwrap(
        await api.GET("/matches", {
          params: {
            query: {
              limit: PAGE,
              cursor: pageParam,
              min_score: filters.minScore ? Number(filters.minScore) : null,
              remote: filters.remote || null,
              location: filters.location.trim() || null,
              excluded: filters.excluded,
            },
          },
        }),
      ),
    getNextPageParam: (last) => last.next_cursor,
  });
}
