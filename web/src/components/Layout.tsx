import type { ReactNode } from "react";
import { signOut, useSession } from "../auth/session";
import { Link } from "../router";
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
      <main id="main" className={styles.main} tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
