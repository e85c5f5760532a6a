// Runs test/unit.ts in Node.js: esbuild bundles it (as the pages are bundled) into a temporary
// file, then each case runs. Usage: node unit.test.mjs
import { build } from "esbuild";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "liard-web-unit-"));
let failed = 0;
let passed = 0;
try {
  const outfile = join(dir, "unit.mjs");
  await build({ entryPoints: [join(here, "unit.ts")], bundle: true, format: "esm", platform: "node", outfile, logLevel: "warning" });
  const { cases } = await import(pathToFileURL(outfile).href);
  for (const [name, f] of cases) {
    try {
      f();
      passed++;
      console.log(`ok   ${name}`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${name}: ${e.message}`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed || passed === 0 ? 1 : 0);
