// Builds the static pages: esbuild bundles src/pages/*.ts (with the TypeScript that protoc-gen-es
// generated from proto/liard/v1 into GEN) into OUT/assets, and copies the HTML, CSS, icon and
// manifest. Usage: node build.mjs --gen GEN --out OUT. Nothing is fetched.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, existsSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const arg = (name) => {
  const i = args.indexOf(name);
  if (i < 0 || i + 1 >= args.length) {
    console.error(`usage: node build.mjs --gen GEN_DIR --out OUT_DIR (missing ${name})`);
    process.exit(2);
  }
  return resolve(args[i + 1]);
};
const gen = arg("--gen");
const out = arg("--out");
if (!existsSync(join(gen, "liard/v1/node_pb.ts"))) {
  console.error(`${gen}/liard/v1/node_pb.ts is missing: run protoc with protoc-gen-es first`);
  process.exit(1);
}

// "@gen/liard/v1/node_pb" -> GEN/liard/v1/node_pb.ts
const genPlugin = {
  name: "liard-gen",
  setup(b) {
    b.onResolve({ filter: /^@gen\// }, (a) => ({ path: join(gen, a.path.slice(5) + ".ts") }));
  },
};

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "assets"), { recursive: true });
await build({
  entryPoints: ["home", "till", "wallet"].map((p) => join(here, "src/pages", p + ".ts")),
  outdir: join(out, "assets"),
  bundle: true,
  format: "esm",
  splitting: true, // Argon2id and secretbox in a chunk of their own, loaded only for a backup
  platform: "browser",
  target: ["es2022"],
  minify: true,
  legalComments: "external",
  chunkNames: "chunk-[hash]",
  plugins: [genPlugin],
  nodePaths: [join(here, "node_modules")], // the generated files live outside web/
  logLevel: "warning",
});

const copy = (from, to) => {
  mkdirSync(dirname(join(out, to)), { recursive: true });
  copyFileSync(join(here, "static", from), join(out, to));
};
copy("index.html", "index.html");
copy("till.html", "till/index.html");
copy("wallet.html", "wallet/index.html");
copy("wallet.html", "pay/index.html"); // /pay#r=...: the wallet page, paying a request
copy("style.css", "assets/style.css");
copy("icon.svg", "icon.svg");
copy("manifest.webmanifest", "manifest.webmanifest");
// The service worker, with the list of every file built (index.html as its folder's URL).
const files = [];
const walk = (dir, url) => {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.isDirectory()) walk(join(dir, e.name), url + e.name + "/");
    else if (e.name === "index.html") files.push(url);
    else if (!e.name.endsWith(".LEGAL.txt")) files.push(url + e.name);
  }
};
walk(out, "/");
const hash = createHash("sha256");
for (const f of files) hash.update(f + "\0" + readFileSync(join(out, f.endsWith("/") ? f + "index.html" : f)));
const sw = readFileSync(join(here, "static", "sw.js.in"), "utf8")
  .replace("@HASH@", hash.digest("hex").slice(0, 16))
  .replace("@FILES@", JSON.stringify(files));
writeFileSync(join(out, "sw.js"), sw);
console.log(`liard web pages built into ${out}`);
