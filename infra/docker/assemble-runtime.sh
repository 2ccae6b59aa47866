#!/bin/sh
# Assembles what one service's runtime image needs, in the build stage after the nx build:
#
#   sh infra/docker/assemble-runtime.sh <workspace package> <out dir>     (from the repo root)
#
# <out dir> gets the root manifest and lockfile, the production node_modules of that ONE
# workspace, each workspace it links (its package.json and the files its "files" field lists,
# i.e. dist/ and libs/contracts' descriptor/) and the health probe. Nothing else of the repo.
set -eu
pkg=$1
out=$2
src=$(pwd)

# npm ci checks the lockfile against every workspace's package.json, so all of them go in first.
mkdir -p "$out"
for f in package.json package-lock.json libs/*/package.json services/*/package.json e2e/package.json; do
  mkdir -p "$out/$(dirname "$f")"
  cp "$f" "$out/$f"
done
cd "$out"
# --workspace installs only that workspace's dependency tree and links only the workspaces it
# uses. --ignore-scripts: onnxruntime-node's postinstall would download the CUDA provider (the
# GPU target runs it on purpose); nothing else in the tree needs an install script.
npm ci --omit=dev --workspace="$pkg" --include-workspace-root=false --ignore-scripts --no-audit --no-fund

# npm links the workspaces of devDependencies too (test helpers), --omit=dev or not: keep only
# the workspaces the package's production dependencies reach.
prod=$(node -e '
  const [src, pkg] = process.argv.slice(1);
  const fs = require("fs");
  const dirs = {};
  for (const group of ["libs", "services", "tools"]) {
    if (!fs.existsSync(`${src}/${group}`)) continue;
    for (const d of fs.readdirSync(`${src}/${group}`)) {
      const file = `${src}/${group}/${d}/package.json`;
      if (fs.existsSync(file)) dirs[JSON.parse(fs.readFileSync(file, "utf8")).name] = file;
    }
  }
  const keep = new Set();
  const visit = (name) => {
    if (keep.has(name) || !dirs[name]) return;
    keep.add(name);
    const deps = JSON.parse(fs.readFileSync(dirs[name], "utf8")).dependencies ?? {};
    for (const dep of Object.keys(deps)) visit(dep);
  };
  visit(pkg);
  console.log([...keep].map((n) => n.replace("@failmine/", "")).join(" "));
' "$src" "$pkg")
for link in node_modules/@failmine/*; do
  case " $prod " in *" $(basename "$link") "*) ;; *) rm -f "$link" ;; esac
done

used=""
for link in node_modules/@failmine/*; do
  rel=$(readlink "$link" | sed 's#^\.\./\.\./##')
  used="$used $rel"
  for entry in $(node -p "(require('$src/$rel/package.json').files ?? ['dist']).join(' ')"); do
    cp -R "$src/$rel/$entry" "$rel/"
  done
done
# Manifests of workspaces this service does not use were only needed by npm ci.
for dir in libs/* services/* e2e; do
  case " $used " in *" $dir "*) ;; *) rm -rf "$dir" ;; esac
done
mkdir -p infra
cp "$src/infra/docker/grpc-health-probe.mjs" infra/
