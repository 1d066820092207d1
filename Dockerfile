# Container images for both connectors, one target each:
#
#   docker build --target source-hubspot      -t insider-hubspot/source-hubspot:0.1.0 .
#   docker build --target destination-insider -t insider-hubspot/destination-insider:0.1.0 .
#
# Build arguments: VERSION (the io.airbyte.version label, default 0.1.0), IMAGE_NAMESPACE (the
# repository prefix in the io.airbyte.name label, default insider-hubspot) and GOPROXY (optional
# Go module proxy for the builder). No BuildKit-only syntax: the classic builder builds it too.
# USER is numeric (1000 = airbyte in /etc/passwd) so Kubernetes can verify runAsNonRoot.

ARG VERSION=0.1.0
ARG IMAGE_NAMESPACE=insider-hubspot

# ---- builder: both static binaries plus the small root file system the runtime images share ----
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

# Runtime root: user airbyte (uid/gid 1000) with a writable /airbyte home, a sticky /tmp and the
# CA bundle for HTTPS to HubSpot and Insider.
RUN mkdir -p /rootfs/etc/ssl/certs /rootfs/tmp /rootfs/airbyte \
 && printf 'root:x:0:0:root:/root:/sbin/nologin\nairbyte:x:1000:1000:airbyte:/airbyte:/sbin/nologin\n' >/rootfs/etc/passwd \
 && printf 'root:x:0:\nairbyte:x:1000:\n' >/rootfs/etc/group \
 && cp /etc/ssl/certs/ca-certificates.crt /rootfs/etc/ssl/certs/ca-certificates.crt \
 && chmod 1777 /rootfs/tmp \
 && chmod 0755 /rootfs/airbyte

# ---- source-hubspot runtime ----
FROM scratch AS source-hubspot
ARG VERSION
ARG IMAGE_NAMESPACE
COPY --from=build /rootfs/etc /etc
COPY --from=build /rootfs/tmp /tmp
COPY --from=build --chown=1000:1000 /rootfs/airbyte /airbyte
COPY --from=build /out/source-hubspot /airbyte/bin/source-hubspot
LABEL io.airbyte.name="${IMAGE_NAMESPACE}/source-hubspot" \
      io.airbyte.version="${VERSION}"
ENV AIRBYTE_ENTRYPOINT="/airbyte/bin/source-hubspot" \
    HOME=/airbyte
USER 1000:1000
WORKDIR /airbyte
ENTRYPOINT ["/airbyte/bin/source-hubspot"]

# ---- destination-insider runtime ----
FROM scratch AS destination-insider
ARG VERSION
ARG IMAGE_NAMESPACE
COPY --from=build /rootfs/etc /etc
COPY --from=build /rootfs/tmp /tmp
COPY --from=build --chown=1000:1000 /rootfs/airbyte /airbyte
COPY --from=build /out/destination-insider /airbyte/bin/destination-insider
LABEL io.airbyte.name="${IMAGE_NAMESPACE}/destination-insider" \
      io.airbyte.version="${VERSION}"
ENV AIRBYTE_ENTRYPOINT="/airbyte/bin/destination-insider" \
    HOME=/airbyte
USER 1000:1000
WORKDIR /airbyte
ENTRYPOINT ["/airbyte/bin/destination-insider"]
