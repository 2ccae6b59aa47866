# The coordinator service (drives the flow; run state in Postgres via DATABASE_URL). Build from the repo root:
#   docker build -f infra/docker/coordinator.Dockerfile -t failmine/coordinator .
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
RUN npx nx run @failmine/coordinator:build --outputStyle=stream
RUN sh infra/docker/assemble-runtime.sh @failmine/coordinator /app

# ---- runtime: node, this service's production dependencies and built code, nothing else.
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
COPY --from=build /app /app
# Code stays root-owned; the service writes only its artifact store (and mounted volumes).
RUN useradd --uid 10001 --user-group --no-create-home --home-dir /app failmine \
  && mkdir -p .failmine data checkpoints && chown 10001:10001 .failmine data checkpoints
USER 10001
ENV NODE_ENV=production FAILMINE_COORDINATOR_HOST=0.0.0.0
EXPOSE 50056
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=5 \
  CMD ["node", "infra/grpc-health-probe.mjs", "127.0.0.1:50056"]
ENTRYPOINT ["node", "services/coordinator/dist/main.js"]
