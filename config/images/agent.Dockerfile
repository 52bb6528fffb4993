# The agent image: one bundled file on a distroless Node.js 24 runtime.
# Build from the repository root: docker build -f config/images/agent.Dockerfile .
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN node scripts/build.mjs

FROM gcr.io/distroless/nodejs24-debian12:nonroot
COPY --from=build /src/dist/node-agent.mjs /app/node-agent.mjs
# The DaemonSet runs it as uid 0 to open the root-owned Docker socket.
# --no-maglev: V8's mid-tier compiler costs the idle agent ~3 MB of resident
# memory (its code pages and what it compiles) for no gain in an agent that
# mostly waits; code that gets hot still reaches TurboFan.
ENTRYPOINT ["/nodejs/bin/node", "--no-maglev", "/app/node-agent.mjs"]
