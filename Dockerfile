# planmap: a static binary on a minimal base, run as a non-root user.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/planmap ./cmd/planmap

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/planmap /planmap
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/planmap"]
CMD ["serve"]
