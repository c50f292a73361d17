# Retail Insights server image. DuckDB is linked, not compiled: the build stage fetches DuckDB's official
# prebuilt libduckdb.so 1.5.5 (scripts/duckdb-lib.sh, sha256 pinned) and the httpfs extension that matches it
# (PyPI duckdb-extension-httpfs 1.5.5), so S3 sources load httpfs from a file instead of the internet.
FROM rust:1-bookworm AS build
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends nodejs npm python3-pip >/dev/null \
 && pip3 install --break-system-packages --quiet 'duckdb-extension-httpfs==1.5.5' \
 && cp "$(python3 -c 'import duckdb_extension_httpfs, pathlib; print(next(pathlib.Path(duckdb_extension_httpfs.__file__).parent.rglob("httpfs.duckdb_extension")))')" /httpfs.duckdb_extension
WORKDIR /src
COPY . .
ENV INSIGHTS_CACHE=/cache
RUN . scripts/env.sh && cargo build --release --bin insights \
 && mkdir -p /out/lib && cp "$CARGO_TARGET_DIR/release/insights" /out/ && cp "$DUCKDB_LIB_DIR"/libduckdb.so /out/lib/

FROM debian:bookworm-slim
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends ca-certificates curl >/dev/null \
 && rm -rf /var/lib/apt/lists/* && useradd --system --home /var/lib/insights insights \
 && mkdir -p /var/lib/insights/lake && chown -R insights /var/lib/insights
COPY --from=build /out/insights /usr/local/bin/insights
COPY --from=build /out/lib/libduckdb.so /usr/local/lib/libduckdb.so
COPY --from=build /httpfs.duckdb_extension /usr/local/lib/insights/httpfs.duckdb_extension
COPY catalog /usr/share/insights/catalog
COPY prompts /usr/share/insights/prompts
ENV LD_LIBRARY_PATH=/usr/local/lib INSIGHTS_CATALOG_DIR=/usr/share/insights/catalog
USER insights
WORKDIR /var/lib/insights
EXPOSE 5433 9187
ENTRYPOINT ["insights"]
CMD ["serve", "--config", "/etc/insights/insights.toml"]
