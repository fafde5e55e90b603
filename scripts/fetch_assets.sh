#!/usr/bin/env bash
# Fetch the browser asset the offline site serves, MathJax (its version pinned by package-lock.json),
# from the npm registry and copy what the pages load into _offline/vendor/, which
# scripts/book_site.py hands to Sphinx. Exits 3 if npm is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null 2>&1; then
    echo "fetch_assets: npm not found" >&2
    exit 3
fi

npm ci --no-audit --no-fund --ignore-scripts --loglevel=error

nm=node_modules
out=_offline/vendor
rm -rf _offline
mkdir -p "$out"/mathjax

# MathJax 3: the whole es5 tree, because MathJax loads extensions and fonts on demand.
cp -R "$nm"/mathjax/es5/. "$out"/mathjax/
cp "$nm"/mathjax/LICENSE "$out"/mathjax/
# Record what was copied.
node -e '
const pkgs = ["mathjax"];
for (const p of pkgs) console.log(p + "@" + require("./node_modules/" + p + "/package.json").version);
' > "$out"/VERSIONS.txt
echo "fetch_assets: $(tr '\n' ' ' < "$out"/VERSIONS.txt)-> $out/ ($(du -sh "$out" | cut -f1))"
