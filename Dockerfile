# syntax=docker/dockerfile:1
# Build stage: compile the one tryout binary.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/tryout ./cmd/tryout

# Runtime stage: Debian with ffmpeg (ffprobe included), fpcalc (Chromaprint, for
# the duplicate check's sound) and prlimit, no Go toolchain.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg libchromaprint-tools util-linux ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home /var/lib/tryout --create-home tryout
COPY --from=build /out/tryout /usr/local/bin/tryout
USER tryout
WORKDIR /var/lib/tryout
ENV TRYOUT_DATA_DIR=/var/lib/tryout
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --retries=3 CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["tryout"]
CMD ["serve"]
