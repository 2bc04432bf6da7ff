# Loupe in a container: docker build -t loupe . (README.md, "Run in Docker").
# Data lives in the volume /var/lib/loupe; the config is /etc/loupe/loupe.ini (deploy/docker.ini: it
# listens on 0.0.0.0 with local logins on, so create a user first:
#   docker run --rm -it -v loupe-data:/var/lib/loupe loupe user add admin
#   docker run -d --name loupe -p 3000:3000 -v loupe-data:/var/lib/loupe loupe
# Mount your own file over /etc/loupe/loupe.ini to change anything else.

FROM node:20-bookworm-slim AS build
WORKDIR /src
# compilers only for the case better-sqlite3 has no prebuilt binary for this platform
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# --ignore-scripts: "prepare" (the build) needs the sources copied below; native modules are rebuilt explicitly
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3 esbuild
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build-web.mjs scripts/
COPY src src
COPY web web
COPY bin bin
COPY migrations migrations
COPY config.example.ini README.md CHANGELOG.md ./
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /opt/loupe
COPY --from=build /src/package.json /src/package-lock.json /src/config.example.ini /src/README.md /src/CHANGELOG.md ./
COPY --from=build /src/node_modules node_modules
COPY --from=build /src/dist dist
COPY --from=build /src/bin bin
COPY --from=build /src/migrations migrations
RUN groupadd --system loupe \
 && useradd --system --gid loupe --home-dir /var/lib/loupe --no-create-home --shell /usr/sbin/nologin loupe \
 && install -d -o loupe -g loupe -m 0750 /var/lib/loupe \
 && install -d -m 0755 /etc/loupe \
 && ln -s /opt/loupe/bin/loupe.js /usr/local/bin/loupe
COPY deploy/docker.ini /etc/loupe/loupe.ini
USER loupe
VOLUME /var/lib/loupe
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENV LOUPE_CONFIG=/etc/loupe/loupe.ini
ENTRYPOINT ["node", "/opt/loupe/bin/loupe.js"]
CMD ["run"]
