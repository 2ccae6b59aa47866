# The trainer service (LoRA fine-tuning on onnxruntime-node). Two targets, from the repo root:
#   docker build -f infra/docker/trainer.Dockerfile -t failmine/trainer .                   # CPU (default)
#   docker build -f infra/docker/trainer.Dockerfile --target cuda -t failmine/trainer:cuda .
# The cuda target runs onnxruntime-node 1.30's CUDA 12 execution provider. The host needs an
# NVIDIA driver for CUDA 12 (>= 525) and the NVIDIA container toolkit; the image brings the
# CUDA 12 runtime and cuDNN 9 from CUDA_IMAGE. Without a GPU, --device cuda falls back to CPU.
ARG NODE_IMAGE=node:20-bookworm-slim
ARG CUDA_IMAGE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04

# ---- build: the whole workspace installed, then this service and its libs compiled (nx builds
# the libs first through dependsOn ^build), then the runtime tree assembled under /app.
FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV NX_DAEMON=false NX_NO_CLOUD=true
# NOTE: npm ci needs every workspace's package.json to match the lockfile, and COPY cannot copy
# a glob keeping folders, so the whole (.dockerignore'd) tree goes in at once.
COPY . .
RUN npm ci --ignore-scripts --no-audit --no-fund
RUN npx nx run @failmine/trainer:build --outputStyle=stream
RUN sh infra/docker/assemble-runtime.sh @failmine/trainer /app

# ---- cuda-deps: onnxruntime-node's own install script fetches the CUDA 12 provider libraries
# (libonnxruntime_providers_cuda.so and friends, from the Microsoft.ML.OnnxRuntime.Gpu.Linux
# NuGet package). The repo blocks that script on development machines (no route to NuGet).
FROM build AS cuda-deps
RUN cd /app/node_modules/onnxruntime-node && ONNXRUNTIME_NODE_INSTALL=cuda12 node script/install.js

# ---- cuda: the CUDA/cuDNN base with node copied in (the official node binary needs only glibc).
FROM ${CUDA_IMAGE} AS cuda
COPY --from=build /usr/local/bin/node /usr/local/bin/node
WORKDIR /app
COPY --from=cuda-deps /app /app
RUN useradd --uid 10001 --user-group --no-create-home --home-dir /app failmine \
  && mkdir -p .failmine data checkpoints && chown 10001:10001 .failmine data checkpoints
USER 10001
ENV NODE_ENV=production FAILMINE_TRAINER_HOST=0.0.0.0 FAILMINE_TRAINER_DEVICE=cuda
EXPOSE 50054
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 \
  CMD ["node", "infra/grpc-health-probe.mjs", "127.0.0.1:50054"]
ENTRYPOINT ["node", "services/trainer/dist/main.js"]

# ---- runtime (CPU, the default target: last in the file): the CPU binding ships in the npm package.
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
COPY --from=build /app /app
# Code stays root-owned; the service writes only its artifact store (and mounted volumes).
RUN useradd --uid 10001 --user-group --no-create-home --home-dir /app failmine \
  && mkdir -p .failmine data checkpoints && chown 10001:10001 .failmine data checkpoints
USER 10001
ENV NODE_ENV=production FAILMINE_TRAINER_HOST=0.0.0.0
EXPOSE 50054
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 \
  CMD ["node", "infra/grpc-health-probe.mjs", "127.0.0.1:50054"]
ENTRYPOINT ["node", "services/trainer/dist/main.js"]
