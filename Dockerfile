# Sổ Thôn in a container: a static binary on a distroless base, run as a
# non-root user, with no shell inside. The database lives in the /data volume.
#
#   docker build -t sothon .
#   docker run -d --name sothon -v sothon-data:/data -p 127.0.0.1:8080:8080 \
#     -e SOTHON_TELEGRAM_TOKEN_FILE=/run/secrets/telegram-token \
#     -v /etc/sothon/telegram-token:/run/secrets/telegram-token:ro sothon
#
# deploy/compose.yaml runs it behind Caddy with HTTPS.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -buildid= -X main.version=${VERSION}" -o /out/sothon ./cmd/sothon \
	&& mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/sothon /usr/local/bin/sothon
# The volume's mount point, owned by the image's non-root user (65532).
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV SOTHON_DB=/data/sothon.db \
	SOTHON_BACKUP_DIR=/data/backups \
	SOTHON_ADDR=0.0.0.0:8080
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/sothon"]
CMD ["serve"]
