# One image for the API and the workers (docker-compose.yml runs both from it).
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY web ./web
# TypeScript -> dist/, the dashboard -> dist/web; then drop the dev dependencies (tsx, vite,
# typescript, the simulator's dns-packet, ...): production runs dist/ with plain node
RUN npm run build && npm prune --omit=dev

FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# an unprivileged user (the image's `node`, uid 1000); .data for an embedded database, if any
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 8080
# ready = Redis and the database answer (GET /healthz/ready, 503 within a second otherwise).
# A worker has no API port: docker-compose.yml points its check at SCOUT_METRICS_PORT.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.HEALTH_PORT||process.env.PORT||8080)+'/healthz/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--max-semi-space-size=2", "--max-old-space-size=128", "dist/main.js"]
