import createClient, { type Middleware } from "openapi-fetch";
import type { paths as ApiPaths } from "./api-schema";
import type { paths as OpsPaths } from "./ops-schema";
import { currentToken, signOut } from "../auth/session";

/** An RFC 9457 problem the API answered with, kept whole so screens can say what to do next. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly failureClass: string,
    readonly detail: string,
    readonly body: unknown = null,
  ) {
    super(detail || `request failed (${status})`);
  }
}

const bearer: Middleware = {
  async onRequest({ request }) {
    const token = await currentToken();
    if (token) request.headers.set("Authorization", `Bearer ${token}`);
    return request;
  },
  onResponse({ response }) {
    // An expired or revoked session ends here; the app shows the sign-in screen again.
    if (response.status === 401) signOut();
    return response;
  },
};

export const api = createClient<ApiPaths>({ baseUrl: "/api" });
export const ops = createClient<OpsPaths>({ baseUrl: "/ops" });
api.use(bearer);
ops.use(bearer);

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The data of a successful answer, or an ApiError built from the problem document. */
export function unwrap<T>(answer: Answer<T>): T {
  if (answer.error !== undefined || !answer.response.ok) {
    throw toApiError(answer.response, answer.error);
  }
  return answer.data as T;
}

export function toApiError(response: Response, body: unknown): ApiError {
  const problem = (body ?? {}) as { failure_class?: string; detail?: string; title?: string };
  return new ApiError(
    response.status,
    problem.failure_class ?? "INTERNAL",
    problem.detail ?? problem.title ?? response.statusText,
    body,
  );
}

/** A JSON call for routes the generated client does not know yet (areas landing meanwhile). */
export async function callJson<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  const token = await currentToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const parsed: unknown = text ? JSON.parse(text) : null;
  if (!response.ok) throw toApiError(response, parsed);
  return parsed as T;
}

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return `${error.detail} (${error.failureClass})`;
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}
