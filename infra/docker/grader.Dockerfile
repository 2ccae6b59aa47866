# The grader service (numeric, multiple-choice and sandboxed code-exec graders). Build from the repo root:
#   docker build -f infra/docker/grader.Dockerfile -t failmine/grader .
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: the whole workspace installed, then this service and its libs compiled (nx builds
# the libs first through dependsOn ^build), then the runtime tree assembled under /app.
FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV NX_DAEMON=false NX_NO_CLOUD=true
# NOTE: npm ci needs every workspace's package.json to match the lockfile, and COPY cannot copy
# a glob keeping folders, so the whole (.dockerignore'd) tree goes in at once.
COPY . .
RUN npm ci --ignore-scripts --no-audit --no-fund
RUN npx nx run @failmine/grader:build --outputStyle=stream
RUN sh infra/docker/assemble-runtime.sh @failmine/grader /app

# ---- runtime: node, this service's production dependencies and built code, nothing else.
FROM ${NODE_IMAGE} AS runtime
# code-exec runs model-written Python in a bubblewrap sandbox, with rlimits and a uid switch
# from util-linux (prlimit, setpriv); see services/grader/README.md. As the image's default
# non-root user only the graders that run no code work; code-exec needs root and bwrap's
# privileges in the container: infra/compose.yaml (grader-code) and infra/k8s/grader.yaml.
RUN apt-get update \
  && apt-get install -y --no-install-recommends bubblewrap util-linux python3 \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app /app
# Code stays root-owned; the service writes only its artifact store (and mounted volumes).
RUN useradd --uid 10001 --user-group --no-create-home --home-dir /app failmine \
  && mkdir -p .failmine data checkpoints && chown 10001:10001 .failmine data checkpoints
USER 10001
ENV NODE_ENV=production FAILMINE_GRADER_HOST=0.0.0.0
EXPOSE 50053
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=5 \
  CMD ["node", "infra/grpc-health-probe.mjs", "127.0.0.1:50053"]
ENTRYPOINT ["node", "services/grader/dist/main.js"]
