# The operator image: one bundled file on a distroless Node.js 24 runtime.
# Build from the repository root: docker build -f config/images/operator.Dockerfile .
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN node scripts/build.mjs

FROM gcr.io/distroless/nodejs24-debian12:nonroot
COPY --from=build /src/dist/operator.cjs /app/operator.cjs
USER 65532:65532
ENTRYPOINT ["/nodejs/bin/node", "/app/operator.cjs"]
