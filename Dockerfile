# A starting point, not run here (no Docker engine on the development machines).
# Production runs compiled JavaScript: no TypeScript loader, no dev dependencies, node as PID 1.

# Build: dist/ from the sources (tsup is a dev dependency). The client package is a workspace:
# npm ci links it and the repository's `prepare` builds it (the gateway reads its trusted-documents manifest
# and typed documents).
# Node 24 LTS, run with two V8 flags (below) that keep its memory within the container's limit.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages ./packages
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsup.config.ts ./
COPY src ./src
RUN npm run build

# Run: production dependencies, the client package as built above, and dist/.
# --ignore-scripts: the repository's `prepare` needs dev tools (the client was built in the build stage), and
# no production dependency has an install script.
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000
COPY package.json package-lock.json ./
COPY --from=build /app/packages ./packages
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# Memory (docs/deploying.md, "Memory a replica needs"): V8's old space capped at 128 MiB, for a
# container limit of 256 MiB (`docker run --memory=256m`, or the orchestrator's limit), which leaves
# room for what the process holds beside the heap. Raise the two together, the limit about twice
# the old space. Node 24 sizes the young generation by the old space's limit: without
# --max-semi-space-size it commits 128 MiB of new space. Set after `npm ci`, which is not to run
# under that cap.
ENV NODE_OPTIONS="--max-old-space-size=128 --max-semi-space-size=16"
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# node receives `docker stop`'s SIGTERM itself (no npm, no tsx in between): it drains for
# SHUTDOWN_DRAIN_MS (/readiness 503, still answering), then in-flight operations finish, exit 0;
# the whole shutdown is bounded by SHUTDOWN_DRAIN_MS + SHUTDOWN_GRACE_MS, past it the process exits
# 143. The sum stays below the stop timeout (`docker stop -t`, compose's stop_grace_period, default
# 10 s), or the runtime's SIGKILL would cut the shutdown short. Behind a load balancer that
# health-checks /readiness, raise the drain (and the stop timeout with it); Kubernetes sets its own
# (deploy/kubernetes/deployment.yaml).
ENV SHUTDOWN_DRAIN_MS=1000 SHUTDOWN_GRACE_MS=8000
# --no-maglev: Node 24's mid-tier compiler kept memory outside the heap that grew with the load
# (docs/deploying.md); V8 accepts it on the command line only, not in NODE_OPTIONS.
CMD ["node", "--no-maglev", "dist/main.js"]
