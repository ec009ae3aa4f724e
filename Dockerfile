# Image of the tempo-streaming server and CLI, used by compose/ and deploy/.
# Build the self-contained binaries first (`make publish`), so the image needs nothing but Debian and its packages:
#   make publish && docker build -t tempo-streaming:latest .
FROM debian:bookworm-slim
# librdkafka1: Kafka client; librocksdb7.8: live store; libzstd1/libsnappy1v5: block codecs
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates librdkafka1 librocksdb7.8 libzstd1 libsnappy1v5 \
 && rm -rf /var/lib/apt/lists/*
COPY .publish/server /app
COPY .publish/cli /app/cli
WORKDIR /var/tempo
EXPOSE 3200 4317 4318
ENTRYPOINT ["/app/tempo-streaming"]
CMD ["-config.file=/etc/tempo-streaming.yaml", "-target=all"]
