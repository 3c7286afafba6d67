# The manager's image: `make docker-build` (it needs a Docker engine; the
# project's machines have none, so test/e2e builds the manager from this
# file's builder stage and the .dockerignore'd context instead, and runs
# the end-to-end tests on that binary).

# Build the manager binary: static (no cgo), without local paths
# (-trimpath), stripped, with the version stamped.
FROM golang:1.26 AS builder
ARG TARGETOS
ARG TARGETARCH
ARG VERSION=dev

WORKDIR /workspace
# Cache the modules before copying the source, so a source change does not
# download them again.
COPY go.mod go.sum ./
RUN go mod download

COPY main.go main.go
COPY api/ api/
COPY controllers/ controllers/
COPY internal/ internal/

RUN CGO_ENABLED=0 GOOS=${TARGETOS:-linux} GOARCH=${TARGETARCH} \
    go build -trimpath -ldflags="-s -w -X main.version=${VERSION}" -o manager .

# A distroless base: the manager binary, CA certificates for the providers'
# HTTPS and nothing else (no shell), as the non-root user 65532.
FROM gcr.io/distroless/static:nonroot
WORKDIR /
COPY --from=builder /workspace/manager .
USER 65532:65532

ENTRYPOINT ["/manager"]
