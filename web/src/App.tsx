import { useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, type ComponentType, type LazyExoticComponent } from "react";
import { useSession } from "./auth/session";
import { Layout } from "./components/Layout";
import { navigate, usePath } from "./router";
import { matchesQuery, NO_FILTERS } from "./screens/matchesQuery";

type Screen = LazyExoticComponent<ComponentType>;

// Every screen is its own chunk: the first load carries the shell, the router and the header.
const publicRoutes: Record<string, Screen> = {
  "/sign-in": lazy(() => import("./screens/account/SignIn")),
  "/sign-up": lazy(() => import("./screens/account/SignUp")),
  "/verify": lazy(() => import("./screens/account/Verify")),
  "/forgot": lazy(() => import("./screens/account/Forgot")),
  "/reset": lazy(() => import("./screens/account/Reset")),
};

const userRoutes: Record<string, Screen> = {
  "/inputs": lazy(() => import("./screens/Inputs")),
  "/documents": lazy(() => import("./screens/Documents")),
  "/profile": lazy(() => import("./screens/Profile")),
  "/matches": lazy(() => import("./screens/Matches")),
  "/notebook": lazy(() => import("./screens/Notebook")),
  "/settings": lazy(() => import("./screens/Settings")),
};

const operatorRoutes: Record<string, Screen> = {
  "/console/sources": lazy(() => import("./screens/ops/Sources")),
  "/console/runs": lazy(() => import("./screens/ops/Runs")),
  "/console/dead-letters": lazy(() => import("./screens/ops/DeadLetters")),
};

export function App() {
  const session = useSession();
  const path = usePath();
  const publicScreen = publicRoutes[path];
  const queries = useQueryClient();

  useEffect(() => {
    // The matches list is the page's largest content: ask for it alongside the screen's chunk.
    if (session && path === "/matches") void queries.prefetchInfiniteQuery(matchesQuery(NO_FILTERS));
  }, [session, path, queries]);

  useEffect(() => {
    if (!session && !publicScreen) navigate("/sign-in", true);
    else if (session && (path === "/" || publicScreen)) navigate("/inputs", true);
  }, [session, path, publicScreen]);

  let Screen: Screen | undefined;
  if (!session) Screen = publicScreen;
  else Screen = userRoutes[path] ?? (session.role === "operator" ? operatorRoutes[path] : undefined);

  return (
    <Layout>
      <Suspense fallback={<p role="status">Loading…</p>}>
        {Screen ? <Screen /> : session && path !== "/" ? <NotFound /> : null}
      </Suspense>
    </Layout>
  );
}

function NotFound() {
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        Nothing lives at this address. <a href="/inputs">Go to your inputs</a>.
      </p>
    </section>
  );
}
