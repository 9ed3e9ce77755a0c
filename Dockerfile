# A starting point, not run here (no Docker engine on the development machines).
# The gateway runs its TypeScript with tsx, as `npm start` does.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000
COPY package.json package-lock.json ./
# The client package is a workspace: npm ci links it and its `prepare` builds it (the gateway
# reads its trusted-documents manifest and typed documents).
COPY packages ./packages
# tsx is a devDependency: keep dev dependencies (it is what runs the sources).
RUN npm ci --include=dev --no-audit --no-fund && npm cache clean --force
COPY tsconfig.json ./
COPY src ./src
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:4000/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# SIGTERM from `docker stop` is handled: in-flight operations finish, then exit 0.
CMD ["node", "--import", "tsx", "src/main.ts"]
