# The agent image: one bundled file on a distroless Node.js 24 runtime.
# Build from the repository root: docker build -f config/images/agent.Dockerfile .
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN node scripts/build.mjs

FROM gcr.io/distroless/nodejs24-debian12:nonroot
COPY --from=build /src/dist/node-agent.cjs /app/node-agent.cjs
# The DaemonSet runs it as uid 0 to open the root-owned Docker socket.
# The V8 flags are those of agent.node-flags, which says why.
ENTRYPOINT ["/nodejs/bin/node", "--jitless", "--max-semi-space-size=1", "--expose-gc", "/app/node-agent.cjs"]
