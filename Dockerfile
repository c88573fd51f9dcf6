# syntax=docker/dockerfile:1
# The quota operator image: Node 24 LTS runs the TypeScript sources directly (type stripping), so there is
# no build step, only the production dependencies. Checked by test/integration/deploy/dockerfile.test.ts
# (hadolint is not packaged for Debian, so the checks are ours). Pin the base by digest in your registry
# mirror for reproducible builds: FROM node:24.21.0-bookworm-slim@sha256:<digest>.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

# Stage 1: production dependencies only (no devDependencies, no install scripts).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# The lock file names the workspaces (the client package, the example service); npm ci needs their
# manifests, not their sources.
COPY packages/client/package.json ./packages/client/
COPY examples/instance-service/package.json ./examples/instance-service/
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
    && npm cache clean --force

# Stage 2: the runtime. Sources and modules are owned by root and read-only for the process.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY src ./src
# No shell or package manager use at run time; the same numeric user as the Deployment's securityContext.
USER 65532:65532
EXPOSE 9443 8080 8081
# Kubernetes probes /healthz and /readyz on 8081; a Docker HEALTHCHECK would be ignored there.
ENTRYPOINT ["node", "src/operator/main.ts"]
