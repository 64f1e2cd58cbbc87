import { useEffect, useRef, type ReactNode } from "react";
import { signOut, useSession } from "../auth/session";
import { Link, usePath } from "../router";
import { JourneyHeader } from "./JourneyHeader";
import styles from "./Layout.module.css";

const userNav = [
  ["/inputs", "Inputs"],
  ["/documents", "Documents"],
  ["/profile", "Profile"],
  ["/matches", "Matches"],
  ["/notebook", "Notebook"],
  ["/settings", "Settings"],
] as const;

const opsNav = [
  ["/console/sources", "Sources"],
  ["/console/runs", "Runs"],
  ["/console/dead-letters", "Dead letters"],
] as const;

export function Layout({ children }: { children: ReactNode }) {
  const session = useSession();
  const main = useMainFocusOnNavigation();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className={styles.bar}>
        <Link to={session ? "/inputs" : "/sign-in"} className={styles.brand}>
          Career assistant
        </Link>
        {session && (
          <nav aria-label="Main" className={styles.nav}>
            <ul>
              {userNav.map(([to, label]) => (
                <li key={to}>
                  <Link to={to}>{label}</Link>
                </li>
              ))}
              {session.role === "operator" &&
                opsNav.map(([to, label]) => (
                  <li key={to}>
                    <Link to={to}>{label}</Link>
                  </li>
                ))}
            </ul>
          </nav>
        )}
        {session && (
          <button type="button" className={`secondary ${styles.out}`} onClick={signOut}>
            Sign out
          </button>
        )}
      </header>
      {session && <JourneyHeader />}
      <main id="main" ref={main} className={styles.main} tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

/**
 * After a client-side navigation, focus moves to the new page's content (as a page load would
 * start over): a keyboard or screen-reader user is not left on a link that has just gone away.
 * The first render keeps the browser's own start (the skip link comes first).
 */
function useMainFocusOnNavigation() {
  const path = usePath();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus({ preventScroll: true });
  }, [path]);
  return main;
}
