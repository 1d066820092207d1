# Container images for both connectors, one target each:
#
#   docker build --target source-hubspot      -t insider-hubspot/source-hubspot:0.2.0 .
#   docker build --target destination-insider -t insider-hubspot/destination-insider:0.2.0 .
#
# Build arguments: VERSION (the io.airbyte.version label, default 0.2.0), IMAGE_NAMESPACE (the
# repository prefix in the io.airbyte.name label, default insider-hubspot) and GOPROXY (optional
# Go module proxy for the builder). No BuildKit-only syntax: the classic builder builds it too.
#
# The runtime is Alpine, not scratch: Airbyte never runs an image's ENTRYPOINT but starts every
# connector container as `sh -c '<wrapper script>'`, and that script needs sh, sleep, mv, kill,
# touch and cat on PATH (Alpine's busybox), then runs "$AIRBYTE_ENTRYPOINT <command> ...".
# USER is numeric (1000 = airbyte in /etc/passwd) so Kubernetes can verify runAsNonRoot.

ARG VERSION=0.2.0
ARG IMAGE_NAMESPACE=insider-hubspot

# ---- builder: both static binaries ----
FROM golang:1.26 AS build
ARG GOPROXY
ENV CGO_ENABLED=0 GOOS=linux GOFLAGS=-buildvcs=false
WORKDIR /src

# Module downloads get their own layer: it is rebuilt only when go.mod or go.sum change.
COPY go.mod go.sum ./
RUN go mod download

COPY . .
RUN go build -trimpath -ldflags="-s -w" -o /out/source-hubspot ./source-hubspot \
 && go build -trimpath -ldflags="-s -w" -o /out/destination-insider ./destination-insider

# ---- runtime base shared by both images ----
# Alpine brings a POSIX shell with the wrapper's utilities and a maintained CA bundle
# (/etc/ssl/certs/ca-certificates.crt) for HTTPS to HubSpot and Insider. This layer adds the
# airbyte user (uid/gid 1000) with a writable /airbyte home and fails the build if the base
# lacks anything the wrapper or the connectors need.
FROM alpine:3.22 AS runtime
RUN (grep -q '^airbyte:' /etc/group || echo 'airbyte:x:1000:' >>/etc/group) \
 && (grep -q '^airbyte:' /etc/passwd || echo 'airbyte:x:1000:1000:airbyte:/airbyte:/sbin/nologin' >>/etc/passwd) \
 && mkdir -p /airbyte/bin \
 && chown 1000:1000 /airbyte \
 && chmod 0755 /airbyte \
 && for tool in sh sleep mv kill touch cat; do \
      command -v "$tool" >/dev/null || { echo "runtime base has no $tool on PATH" >&2; exit 1; }; \
    done \
 && test -s /etc/ssl/certs/ca-certificates.crt \
 && test -d /tmp
ENV HOME=/airbyte
USER 1000:1000
WORKDIR /airbyte

# ---- source-hubspot runtime ----
FROM runtime AS source-hubspot
ARG VERSION
ARG IMAGE_NAMESPACE
COPY --from=build /out/source-hubspot /airbyte/bin/source-hubspot
LABEL io.airbyte.name="${IMAGE_NAMESPACE}/source-hubspot" \
      io.airbyte.version="${VERSION}"
ENV AIRBYTE_ENTRYPOINT="/airbyte/bin/source-hubspot"
ENTRYPOINT ["/airbyte/bin/source-hubspot"]

# ---- destination-insider runtime ----
FROM runtime AS destination-insider
ARG VERSION
ARG IMAGE_NAMESPACE
COPY --from=build /out/destination-insider /airbyte/bin/destination-insider
LABEL io.airbyte.name="${IMAGE_NAMESPACE}/destination-insider" \
      io.airbyte.version="${VERSION}"
ENV AIRBYTE_ENTRYPOINT="/airbyte/bin/destination-insider"
ENTRYPOINT ["/airbyte/bin/destination-insider"]
