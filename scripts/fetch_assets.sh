#!/usr/bin/env bash
# Fetch the browser assets the offline site serves (versions pinned by package-lock.json)
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
mkdir -p "$out"/mathjax "$out"/requirejs "$out"/html-manager "$out"/font-awesome

# MathJax 3: the whole es5 tree, because MathJax loads extensions and fonts on demand.
cp -R "$nm"/mathjax/es5/. "$out"/mathjax/
cp "$nm"/mathjax/LICENSE "$out"/mathjax/
# RequireJS, which the ipywidgets embed manager needs.
cp "$nm"/requirejs/require.js "$out"/requirejs/   # licence header inside
# @jupyter-widgets/html-manager: the AMD embed bundle and the font files it references.
find "$nm"/@jupyter-widgets/html-manager/dist -maxdepth 1 -type f \
    \( -name 'embed-amd.js' -o -name '*.woff' -o -name '*.woff2' -o -name '*.ttf' \
       -o -name '*.eot' -o -name '*.svg' -o -name '*.LICENSE.txt' \) \
    -exec cp {} "$out"/html-manager/ \;
# (html-manager ships its licence notices in embed-amd.js and *.LICENSE.txt)
# Font Awesome 4, for the buttons of matplotlib's jshtml animations.
cp -R "$nm"/font-awesome/css "$nm"/font-awesome/fonts "$out"/font-awesome/

# Record what was copied.
node -e '
const pkgs = ["mathjax", "requirejs", "@jupyter-widgets/html-manager", "font-awesome"];
for (const p of pkgs) console.log(p + "@" + require("./node_modules/" + p + "/package.json").version);
' > "$out"/VERSIONS.txt
echo "fetch_assets: $(tr '\n' ' ' < "$out"/VERSIONS.txt)-> $out/ ($(du -sh "$out" | cut -f1))"
