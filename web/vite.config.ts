import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// `npm run dev` proxies the two APIs to a running `career serve` (CAREER_URL, default :8080),
// so the browser stays same-origin as it does behind Firebase Hosting.
const api = process.env.CAREER_URL ?? "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [react()],
  build: {
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: {
    host: "127.0.0.1",
    proxy: { "/api": api, "/ops": api, "/_uploads": api },
  },
});
